/* Minimal RISC-V startup for QEMU's virt board (-bios none, machine mode),
 * plus semihosting output and exit (qemu-system-riscv32 -semihosting). */
#include <stdint.h>

#include "semihost.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _stack_top[];
int main(void);
void reset_handler(void);

/* The entry point: a stack, then C. */
__attribute__((naked, section(".text.start"))) void _start(void) {
    __asm__ volatile("la sp, _stack_top\n\tj reset_handler");
}

/* The semihosting call: the three-instruction sequence of the RISC-V
 * semihosting specification, uncompressed and within one page. */
static int semihost(int op, const void *arg) {
    register int a0 __asm__("a0") = op;
    register const void *a1 __asm__("a1") = arg;
    __asm__ volatile(".option push\n\t.option norvc\n\t.balign 16\n\t"
                     "slli zero, zero, 0x1f\n\tebreak\n\tsrai zero, zero, 7\n\t"
                     ".option pop"
                     : "+r"(a0)
                     : "r"(a1)
                     : "memory");
    return a0;
}

void sh_write(const char *s) {
    semihost(0x04 /* SYS_WRITE0 */, s);
}

void sh_exit(int ok) {
    /* SYS_EXIT: QEMU exits 0 for ApplicationExit, 1 for any other reason. */
    semihost(0x18, (const void *)(uintptr_t)(ok ? 0x20026 /* ApplicationExit */
                                                 : 0x20023 /* RunTimeErrorUnknown */));
    for (;;) {
    }
}

/* Markers for tests/qemu_insn: the instructions executed from the call of
 * insn_mark_begin to that of insn_mark_end are counted. Distinct bodies, so
 * the compiler cannot fold them into one function. */
__attribute__((noinline, used)) void insn_mark_begin(void) {
    __asm__ volatile("nop");
}

__attribute__((noinline, used)) void insn_mark_end(void) {
    __asm__ volatile("nop\n\tnop");
}

/* Any trap (an illegal instruction, a misaligned or bad access). */
__attribute__((interrupt("machine"), aligned(4))) static void trap_handler(void) {
    sh_write("FAULT\n");
    sh_exit(0);
}

void reset_handler(void) {
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\tcsrw mtvec, %0\n\t.option pop"
                     :
                     : "r"(trap_handler));
    /* Likewise _sdata/_edata for .data. */
    // cppcheck-suppress comparePointers
    for (uint32_t *src = _sidata, *dst = _sdata; dst < _edata;) *dst++ = *src++;
    /* _sbss and _ebss are two ends of one region (the linker script's .bss). */
    // cppcheck-suppress comparePointers
    for (uint32_t *dst = _sbss; dst < _ebss;) *dst++ = 0;
    sh_exit(main() == 0);
}
