/*
 * Exercises every entry point of the C ABI, good and bad input alike, for a leak checker:
 *   valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 ./abi_check
 * With the argument "leak" it drops one document on purpose, so the check is seen to fail.
 */
#include <stdio.h>
#include <string.h>

#include "shared_functions.h"

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
    }
    char *kept = sf_run_windows(run, (const uint8_t *)records, strlen(records));
    printf("ABI %s: %.60s...\n", sf_abi_version(), kept);
    if (!leak) sf_free(kept);
    return 0;
}
