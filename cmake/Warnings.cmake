# A picky set of warnings, in the spirit of curl's PickyWarnings.cmake.
set(LINLI_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes
  -Wmissing-prototypes -Wold-style-definition -Wpointer-arith -Wcast-align
  -Wwrite-strings -Wundef -Wvla -Wnull-dereference -Wdouble-promotion
  -Wno-unused-parameter)
add_compile_options(${LINLI_WARNINGS})
if(LINLI_WERROR)
  add_compile_options(-Werror)
endif()
add_compile_definitions(_POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
