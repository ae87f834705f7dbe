/* fuzz_csv.c - libFuzzer target for the CSV row reader of `linli-node import
 * reports` (node/csvimport.c, included to reach its static reader): every
 * field it returns is within the field limit and every row consumes input. */
#include <stdlib.h>
#include <string.h>

#include "node/csvimport.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_csv(const uint8_t *data, size_t size) {
  csv_reader r = {(const char *)data, (const char *)data + size, 1};
  csv_row row;
  memset(&row, 0, sizeof row);
  cm_err e;
  int k, rows = 0;
  while ((k = csv_next(&r, &row, &e)) == 1) {
    size_t kept = row.n < CSV_COLS + 1 ? row.n : CSV_COLS + 1;
    for (size_t i = 0; i < kept; i++)
      if (strlen(row.fields[i]) > CSV_FIELD_MAX) abort();
    if (++rows > (int)size + 1) abort(); /* every row consumes input */
  }
  free(row.store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check_csv(data, size);
  return 0;
}
