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
 *  "key_field" (optional), "scope": "key" | "global"}.
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

#ifdef __cplusplus
}
#endif

#endif
