#ifndef SPENDTOP_CNCURSES_SHIM_H
#define SPENDTOP_CNCURSES_SHIM_H

// The package manager drops the _XOPEN_SOURCE flags that pkg-config gives for
// ncursesw, and without them the wide-character calls (setcchar, mvadd_wch) stay
// hidden; defining NCURSES_WIDECHAR before the include exposes them.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

// Swift imports functions but not function-like macros, so the macros spendtop
// needs get small inline wrappers here.
static inline int spendtop_getmaxy(WINDOW *window) { return getmaxy(window); }
static inline int spendtop_getmaxx(WINDOW *window) { return getmaxx(window); }
static inline attr_t spendtop_color_pair(short pair) { return (attr_t)COLOR_PAIR(pair); }
static inline WINDOW *spendtop_stdscr(void) { return stdscr; }
static inline int spendtop_colors(void) { return COLORS; }
static inline int spendtop_color_pairs(void) { return COLOR_PAIRS; }

#endif
