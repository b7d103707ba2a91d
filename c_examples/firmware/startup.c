/* Minimal Cortex-M startup for QEMU's mps2 boards, plus ARM semihosting
 * output and exit (qemu-system-arm -semihosting). */
#include <stdint.h>

#include "semihost.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _stack_top[];
int main(void);
void reset_handler(void);
static void fault_handler(void);

/* Initial stack pointer, then the handlers: reset, NMI, HardFault. */
__attribute__((section(".vectors"), used)) static void (*const vectors[])(void) = {
    (void (*)(void))_stack_top,
    reset_handler,
    fault_handler,
    fault_handler,
};

static int semihost(int op, const void *arg) {
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
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

static void fault_handler(void) {
    sh_write("FAULT\n");
    sh_exit(0);
}

void reset_handler(void) {
    /* Likewise _sdata/_edata for .data. */
    // cppcheck-suppress comparePointers
    for (uint32_t *src = _sidata, *dst = _sdata; dst < _edata;) *dst++ = *src++;
    /* _sbss and _ebss are two ends of one region (the linker script's .bss). */
    // cppcheck-suppress comparePointers
    for (uint32_t *dst = _sbss; dst < _ebss;) *dst++ = 0;
#if defined(__ARM_FP)
    /* Enable the FPU (CP10, CP11) before any hard-float code runs. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb");
#endif
    sh_exit(main() == 0);
}
