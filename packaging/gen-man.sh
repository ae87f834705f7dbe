#!/bin/sh
# gen-man.sh PROGRAM OUT: write the man page of a linli program from its own
# --help texts (the same text the program prints, so the two never disagree).
# Each command's section is `PROGRAM COMMAND --help`.
set -eu
prog=$1
out=$2
name=$(basename "$prog")
ver=$("$prog" --version | cut -d' ' -f2)
# roff: escape backslashes and dashes, and protect lines starting with . or '
esc() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
{
  echo ".TH $(echo "$name" | tr a-z A-Z) 1 \"\" \"linli $ver\" \"linli\""
  echo ".SH NAME"
  case $name in
    linli-node) echo "linli\\-node \\- community node of linli (社区节点)" ;;
    *) echo "linli\\-hub \\- street and district hub of linli (街道/区中心)" ;;
  esac
  echo ".SH SYNOPSIS"
  echo ".nf"
  "$prog" --help | esc
  echo ".fi"
  echo ".SH COMMANDS"
  # the command words: lines indented by exactly two spaces
  "$prog" --help | grep -E '^  [a-z]' | awk -v n="$name" '
    n == "linli-node" { w = $1; if ($2 ~ /^[a-z]+$/) w = w " " $2; print w; next }
    { print $1 }' | awk '!seen[$0]++' | while read -r cmd; do
    printf ".SS %s\n" "$(echo "$cmd" | esc)"
    echo ".nf"
    # shellcheck disable=SC2086
    "$prog" $cmd --help 2>&1 | esc
    echo ".fi"
  done
  echo ".SH FILES"
  echo ".TP"
  echo "/var/lib/linli/"
  echo "default data directories of the packaged services (owner: the linli user)"
  echo ".SH SEE ALSO"
  echo "linli\\-node(1), linli\\-hub(1); docs/operate.md in the source"
} >"$out"
