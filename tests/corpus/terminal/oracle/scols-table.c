/* Test oracle: prints a table through libsmartcols 2.42 with a forced
 * terminal width. Input lines (stdin):
 *   W <width>            terminal width (0 = not a terminal)
 *   N                    no headings
 *   C <name>\t<hint>\t<flags>   flags: comma list of trunc,right,tree,noextremes,wrap,strictwidth
 *   L <parent>\t<cell>...       parent = line index or -1; cells use \n \\ \xNN escapes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include "libsmartcols.h"

static char *unescape(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	while (*s) {
		if (*s == '\\' && s[1] == 'n') { *o++ = '\n'; s += 2; }
		else if (*s == '\\' && s[1] == '\\') { *o++ = '\\'; s += 2; }
		else if (*s == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char h[3] = { s[2], s[3], 0 };
			*o++ = (char) strtol(h, NULL, 16); s += 4;
		} else *o++ = *s++;
	}
	*o = 0;
	return out;
}

int main(void)
{
	char line[65536];
	struct libscols_table *tb;
	struct libscols_line *lines[4096];
	size_t nlines = 0;
	int ncols = 0;

	setlocale(LC_ALL, "");
	scols_init_debug(0);
	tb = scols_new_table();
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == 'W') {
			int w = atoi(line + 2);
			if (w > 0) {
				scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
				scols_table_set_termwidth(tb, w);
			} else
				scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
		} else if (line[0] == 'N') {
			scols_table_enable_noheadings(tb, 1);
		} else if (line[0] == 'C') {
			char *name = strtok(line + 2, "\t");
			char *hint = strtok(NULL, "\t");
			char *fl = strtok(NULL, "\t");
			int flags = 0;
			if (fl) {
				if (strstr(fl, "trunc")) flags |= SCOLS_FL_TRUNC;
				if (strstr(fl, "right")) flags |= SCOLS_FL_RIGHT;
				if (strstr(fl, "tree")) flags |= SCOLS_FL_TREE;
				if (strstr(fl, "noextremes")) flags |= SCOLS_FL_NOEXTREMES;
				if (strstr(fl, "wrap")) flags |= SCOLS_FL_WRAP;
				if (strstr(fl, "strictwidth")) flags |= SCOLS_FL_STRICTWIDTH;
			}
			struct libscols_column *cl = scols_table_new_column(tb, name, atof(hint), flags);
			if (flags & SCOLS_FL_WRAP) {
				scols_column_set_wrapfunc(cl, NULL, scols_wrapnl_nextchunk, NULL);
				scols_column_set_safechars(cl, "\n");
			}
			ncols++;
		} else if (line[0] == 'L') {
			char *p = line + 2;
			char *tab = strchr(p, '\t');
			int parent;
			if (tab) *tab = 0;
			parent = atoi(p);
			struct libscols_line *ln = scols_table_new_line(tb, parent >= 0 ? lines[parent] : NULL);
			lines[nlines++] = ln;
			int c = 0;
			while (tab && c < ncols) {
				p = tab + 1;
				tab = strchr(p, '\t');
				if (tab) *tab = 0;
				scols_line_refer_data(ln, c, unescape(p));
				c++;
			}
		}
	}
	scols_print_table(tb);
	return 0;
}
