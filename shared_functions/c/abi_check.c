/*
 * Exercises every entry point of the C ABI, good and bad input alike, for a leak checker:
 *   valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 ./abi_check
 * With the argument "leak" it drops one document on purpose, so the check is seen to fail.
 */
#include <stdio.h>
#include <string.h>

#include "shared_functions.h"

_Static_assert(sizeof(sf_column) == 64, "sf_column is 64 bytes of 8-byte fields");

/* Every columnar entry point: a good run whose every result column is read, and bad input. */
static void columns_round(void) {
    const int64_t ts[] = {1, 2000, 3, 900};
    const double value[] = {1.0, 2.0, 0.0 / 0.0, 3.0};
    const int32_t codes[] = {0, 1, -1, 0};
    const int64_t offsets[] = {0, 1, 2};
    const uint8_t valid[] = {1, 1, 1, 0};
    sf_column columns[] = {
        {"ts", SF_INT64, 4, ts, NULL, 0, NULL, NULL},
        {"value", SF_FLOAT64, 4, value, valid, 0, NULL, NULL},
        {"k", SF_TEXT, 4, codes, NULL, 2, offsets, "ab"},
    };
    const char *run = "{\"function\":\"function_a\",\"window\":{\"size_ms\":1000},\"time_field\":\"ts\",\"key_field\":\"k\"}";
    sf_free(sf_input_columns("{\"function\":\"function_b\",\"parameters\":{\"field\":\"x\"}}"));
    sf_free(sf_input_columns("{\"function\":\"nope\"}"));
    sf_free(sf_input_columns(NULL));
    sf_result *result = sf_run_windows_columns(run, columns, 3, 4);
    const char *tables[] = {"outputs", "windows", "late", "dead_letters", "none"};
    for (size_t table = 0; table < sizeof tables / sizeof *tables; table++) {
        sf_column column;
        for (int64_t index = 0; sf_result_column(result, tables[table], index, &column) == 0; index++) {
            volatile uint8_t sink = column.length > 0 ? ((const uint8_t *)column.values)[0] : 0;
            (void)sink;
        }
    }
    sf_result_free(result);
    sf_result_free(sf_run_windows_columns(run, columns, 2, 4));      /* the key column is missing */
    sf_result_free(sf_run_windows_columns(run, columns, 3, 5));      /* lengths disagree */
    sf_result_free(sf_run_windows_columns(NULL, columns, 3, 4));
    sf_result_free(sf_run_windows_columns(run, NULL, 3, 4));
    sf_result_free(NULL);
    sf_free(sf_apply_columns("{\"function\":\"function_a\",\"time_field\":\"ts\"}", columns, 2, 4));
    sf_free(sf_apply_columns("{\"function\":\"function_a\",\"time_field\":\"when\"}", columns, 2, 4));
}

int main(int argc, char **argv) {
    int leak = argc > 1 && strcmp(argv[1], "leak") == 0;
    const char *records =
        "{\"ts\":1,\"k\":\"a\",\"value\":1}\n"
        "{\"ts\":2000,\"k\":\"b\",\"value\":2}\n"
        "not json\n"
        "{\"ts\":3,\"k\":\"a\",\"value\":3}";
    const char *run = "{\"function\":\"function_a\",\"window\":{\"size_ms\":1000},\"time_field\":\"ts\",\"key_field\":\"k\"}";
    const char *requests[] = {
        run,
        "{\"function\":\"nope\",\"window\":{\"size_ms\":1000},\"time_field\":\"ts\"}",
        "{\"function\":\"function_a\",\"window\":{\"size_ms\":0},\"time_field\":\"ts\"}",
        "{\"function\":",
    };
    for (int round = 0; round < 20; round++) {
        sf_free(sf_functions());
        for (size_t index = 0; index < sizeof requests / sizeof *requests; index++) {
            sf_free(sf_run_windows(requests[index], (const uint8_t *)records, strlen(records)));
        }
        sf_free(sf_apply("{\"function\":\"function_b\",\"time_field\":\"ts\"}", (const uint8_t *)records, strlen(records)));
        sf_free(sf_apply("{\"function\":\"function_a\",\"time_field\":\"ts\"}", (const uint8_t *)"{\"ts\":1,\"value\":2}", 18));
        sf_free(sf_run_windows(NULL, NULL, 0));
        sf_free(sf_run_windows(run, NULL, 7));
        sf_free(NULL);
        columns_round();
    }
    char *kept = sf_run_windows(run, (const uint8_t *)records, strlen(records));
    printf("ABI %s: %.60s...\n", sf_abi_version(), kept);
    if (!leak) sf_free(kept);
    return 0;
}
