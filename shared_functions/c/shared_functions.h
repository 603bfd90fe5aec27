/*
 * The C ABI of the shared functions: the same compiled registry, engine and functions the
 * processing module runs, for notebooks (through Python's ctypes) and any other host.
 *
 * Conventions
 * - Requests are NUL-terminated UTF-8 JSON; records are a buffer of JSON values, one per line
 *   ('\n' separated), passed with its length. Inputs are borrowed for the call only.
 * - Every call returns a NUL-terminated UTF-8 JSON document the caller owns and must release
 *   with sf_free: either {"ok": RESULT} or {"error": {"kind": K, "message": M, "context": {...}}}.
 *   Bad input never aborts the host process; it comes back as an error document.
 * - Every function is thread-safe: no state is shared between calls.
 */
#ifndef SHARED_FUNCTIONS_H
#define SHARED_FUNCTIONS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version (a static string; do not free). Changes when a signature or envelope changes. */
const char *sf_abi_version(void);

/* {"ok": [{"name", "version", "description", "parameters": [{"name", "type", "default",
 * "allowed", "description"}]}]} */
char *sf_functions(void);

/* Runs one function on one batch. Request: {"function", "parameters", "time_field",
 * "window": {"start_ms", "end_ms"} (optional), "key" (optional)}.
 * Result: {"ok": {"outputs": [...]}}. */
char *sf_apply(const char *request, const uint8_t *records, size_t length);

/* Runs the micro-batching engine and a function over the records in row order. Request:
 * {"function", "parameters", "window": {"size_ms", "advance_ms", "grace_ms"}, "time_field",
 *  "key_field" (optional), "scope": "key" | "global"}; session windows give
 *  "window": {"session_gap_ms", "max_duration_ms" (optional, default a day), "grace_ms"};
 *  count windows give "window": {"count", "count_advance" (optional, in records)}, key scope only.
 * Result: {"ok": {"windows": [{"window_start", "window_end", "key", "close_reason",
 * "record_count", "outputs": [...], "error" (only when the function failed)}],
 * "late": [{"row", "window_start", "window_end", "lateness_ms"}],
 * "dead_letters": [{"row", "kind", "message"}], "counts": {...}}}. */
char *sf_run_windows(const char *request, const uint8_t *records, size_t length);

/* Formats `count` doubles as JSON numbers (shortest round-trip text; null for NaN and
 * infinities), one per line. Not an envelope: the text itself. Release it with sf_free. */
char *sf_format_doubles(const double *values, size_t count);

/* Releases a document returned by this library. NULL is allowed. */
void sf_free(char *document);

/* ---- Columns: a DataFrame's typed buffers in, typed result tables out, no JSON per row ---- */

#define SF_FLOAT64 1
#define SF_INT64 2
#define SF_BOOL 3
#define SF_TEXT 4

/* One column, borrowed for the call (inputs) or owned by an sf_result (outputs). 64 bytes; every
 * field is 8 bytes wide, so hosts can mirror it without padding rules. */
typedef struct sf_column {
    const char *name;                  /* NUL-terminated UTF-8 */
    int64_t type;                      /* SF_FLOAT64, SF_INT64, SF_BOOL or SF_TEXT */
    int64_t length;                    /* rows */
    const void *values;                /* double, int64_t, uint8_t (0/1) or int32_t code (-1: missing) per row */
    const uint8_t *validity;           /* NULL: no row missing; else one byte per row, 0 = missing */
    int64_t dictionary_count;          /* SF_TEXT: how many strings the codes point into */
    const int64_t *dictionary_offsets; /* SF_TEXT: dictionary_count + 1 byte offsets, the first 0 */
    const char *dictionary_data;       /* SF_TEXT: the strings' UTF-8 bytes, back to back */
} sf_column;

/* The result tables of a columnar run; release with sf_result_free. */
typedef struct sf_result sf_result;

/* The columns a function reads from a table, for its parameters. Request: {"function",
 * "parameters"}. Result: {"ok": [{"name", "types": ["float64", "int64", ...]}]}; an empty list
 * when the function has no columnar input (use sf_run_windows then). */
char *sf_input_columns(const char *request);

/* sf_run_windows over `rows` rows given as columns: the request's time_field, key_field (SF_TEXT)
 * and partition_field (SF_INT64) name columns, and the function's input columns must be present
 * (sf_input_columns). Never NULL; check sf_result_document for an error first. */
sf_result *sf_run_windows_columns(const char *request, const sf_column *columns, int64_t column_count, int64_t rows);

/* {"ok": {"counts": {...}, "tables": {"outputs": {"rows": N, "columns": [{"name", "type"}]},
 * "windows": ..., "late": ..., "dead_letters": ...}}} or {"error": ...}. Owned by the result. */
const char *sf_result_document(const sf_result *result);

/* Describes column `index` of table `table` in *column; 0 on success, -1 when there is no such
 * column. The buffers stay valid until sf_result_free. */
int64_t sf_result_column(const sf_result *result, const char *table, int64_t index, sf_column *column);

/* Releases a result and every buffer it described. NULL is allowed. */
void sf_result_free(sf_result *result);

/* sf_apply over `rows` rows given as columns (time_field names the event-time column). */
char *sf_apply_columns(const char *request, const sf_column *columns, int64_t column_count, int64_t rows);

#ifdef __cplusplus
}
#endif

#endif
