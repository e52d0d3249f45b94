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

// Attribute bits are NCURSES_BITS(...) macros, which Swift does not import.
static inline attr_t spendtop_attr_bold(void) { return A_BOLD; }
static inline attr_t spendtop_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t spendtop_attr_reverse(void) { return A_REVERSE; }
static inline attr_t spendtop_attr_dim(void) { return A_DIM; }

// Starts curses on the process's standard output and input. Unlike initscr, newterm returns
// NULL for an unknown TERM instead of exiting, so the caller can print an error. The stdout
// and stdin globals are read here because Swift 6 rejects mutable C globals.
static inline SCREEN *spendtop_newterm(void) { return newterm(NULL, stdout, stdin); }

#endif
