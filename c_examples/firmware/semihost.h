#ifndef FIRMWARE_SEMIHOST_H
#define FIRMWARE_SEMIHOST_H
/* Writes a NUL-terminated string to the host's console. */
void sh_write(const char *s);
/* Ends the QEMU run: exit status 0 when ok, 1 otherwise. */
void sh_exit(int ok) __attribute__((noreturn));
/* Bracket the code whose executed instructions tests/qemu_insn counts. */
void insn_mark_begin(void);
void insn_mark_end(void);
#endif
