/*
 * Fuzz target for the C helper's command parser (issue 10, item 14).
 *
 * Compiles closewait_helper.c with -DCLOSEWAIT_FUZZ: no main(), no command
 * runs (no socket, no file, no signal), answers are counted instead of
 * printed. For every input, split into lines as the helper splits stdin,
 * the build aborts (a crash the fuzzer reports) if
 *   - an answer is not one line starting with ok, fail or bad;
 *   - a line gets no answer, or a number of answers other than one per
 *     ';'-separated command or exactly one for a refused line;
 *   - a command is accepted with a number outside its kind's range, or an
 *     address other than 127.0.0.0/8 or ::1 (checked byte by byte, apart
 *     from the parser's own check).
 *
 * libFuzzer (clang):  see run.sh, or
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DCLOSEWAIT_FUZZ \
 *     -o parser_fuzz parser_fuzz.c && ./parser_fuzz -max_total_time=60 corpus
 * AFL++:  afl-clang-fast -DCLOSEWAIT_FUZZ -DCLOSEWAIT_FUZZ_STDIN \
 *     -o parser_afl parser_fuzz.c && afl-fuzz -i corpus -o out ./parser_afl
 * Any C compiler, replaying files (what the self-test does):
 *   cc -DCLOSEWAIT_FUZZ -DCLOSEWAIT_FUZZ_STDIN -o replay parser_fuzz.c
 *   ./replay corpus/basic corpus/nul   (any files)
 */
#include "../closewait_helper.c"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  closewait_fuzz_input(data, size);
  return 0;
}

#ifdef CLOSEWAIT_FUZZ_STDIN
/* Without libFuzzer: each argument is an input file; none means stdin. */
static void replay(FILE *f) {
  static unsigned char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf, f);
  LLVMFuzzerTestOneInput(buf, n);
}

int main(int argc, char **argv) {
  if (argc < 2) replay(stdin);
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      perror(argv[i]);
      return 2;
    }
    replay(f);
    fclose(f);
  }
  return 0;
}
#endif
