//! Small, weak definitions of the memory functions the library's own code
//! calls on bare-metal targets: copies, fills and comparisons of at most a
//! few hundred bytes.
//!
//! Without them, the linker resolves the library's references from the
//! next definition it meets, which in the usual order (`app.o
//! libaliyun_mqtt_sign.a -lc`) is the archive's copy of Rust's
//! `compiler_builtins`: about 1.6 KiB of memcpy/memset variants, more
//! than the rest of an hmac-sha256 build. These take some 120 bytes of
//! Thumb code. They are weak: a C library's definitions that the image
//! already contains (linked first, or pulled by the application) take
//! precedence, and an application that calls `memcmp` without linking one
//! gets this one, which is correct, only slower.
//!
//! Branches inside a group use local labels, so an overriding definition
//! of one entry leaves the others intact. Each group sits in its own section, so `--gc-sections` keeps only
//! those referenced. Written in assembly: a Rust loop that copies bytes is
//! turned back into a call of `memcpy` by the optimiser.

// SAFETY: the functions follow the platform's calling convention (they
// touch only the argument and scratch registers, r4 saved and restored),
// access exactly the `n` bytes the caller passes, and define no symbol but
// the weak mem* entries; nothing here runs unless called.
#![allow(unsafe_code)]

// Arm EABI names (Thumb instructions common to v6-M and v7-M):
// memcpy(r0 dst, r1 src, r2 n), memset(r0 dst, r1 n, r2 byte),
// memclr(r0 dst, r1 n), memcmp(r0 a, r1 b, r2 n) -> r0.
// The 4/8 variants are called with word-aligned pointers.
#[cfg(target_arch = "arm")]
core::arch::global_asm!(
    ".syntax unified",
    ".section .text.__aeabi_memcpy4,\"ax\",%progbits",
    ".weak __aeabi_memcpy4",
    ".weak __aeabi_memcpy8",
    ".weak __aeabi_memcpy",
    ".type __aeabi_memcpy4,%function",
    ".type __aeabi_memcpy8,%function",
    ".type __aeabi_memcpy,%function",
    ".thumb_func",
    "__aeabi_memcpy4:",
    ".thumb_func",
    "__aeabi_memcpy8:",
    // Whole words forward, then the remaining bytes.
    "1: cmp r2, #4",
    "   blo 2f",
    "   ldm r1!, {{r3}}",
    "   stm r0!, {{r3}}",
    "   subs r2, r2, #4",
    "   b 1b",
    ".thumb_func",
    "__aeabi_memcpy:",
    // Both pointers word-aligned: the word loop.
    "   mov r3, r0",
    "   orrs r3, r1",
    "   lsls r3, r3, #30",
    "   beq 1b",
    // Bytes, last first.
    "2: subs r2, r2, #1",
    "   bcc 3f",
    "   ldrb r3, [r1, r2]",
    "   strb r3, [r0, r2]",
    "   b 2b",
    "3: bx lr",
    ".size __aeabi_memcpy4, . - __aeabi_memcpy4",
    ".section .text.__aeabi_memclr4,\"ax\",%progbits",
    ".weak __aeabi_memclr4",
    ".weak __aeabi_memclr8",
    ".weak __aeabi_memclr",
    ".weak __aeabi_memset4",
    ".weak __aeabi_memset8",
    ".weak __aeabi_memset",
    ".type __aeabi_memclr4,%function",
    ".type __aeabi_memclr8,%function",
    ".type __aeabi_memclr,%function",
    ".type __aeabi_memset4,%function",
    ".type __aeabi_memset8,%function",
    ".type __aeabi_memset,%function",
    ".thumb_func",
    "__aeabi_memclr4:",
    ".thumb_func",
    "__aeabi_memclr8:",
    "   movs r2, #0",
    "   b 4f",
    ".thumb_func",
    "__aeabi_memclr:",
    "   movs r2, #0",
    ".thumb_func",
    "__aeabi_memset:",
    // Bytes up to a word boundary, then the word loop.
    "6: lsls r3, r0, #30",
    "   beq 4f",
    "   cmp r1, #0",
    "   beq 3f",
    "   strb r2, [r0]",
    "   adds r0, r0, #1",
    "   subs r1, r1, #1",
    "   b 6b",
    ".thumb_func",
    "__aeabi_memset4:",
    ".thumb_func",
    "__aeabi_memset8:",
    // The byte in all four lanes, pairs of words forward, a word, then
    // the bytes.
    "4: uxtb r2, r2",
    "   lsls r3, r2, #8",
    "   orrs r2, r3",
    "   lsls r3, r2, #16",
    "   orrs r2, r3",
    "   mov r3, r2",
    "1: cmp r1, #8",
    "   blo 5f",
    "   stm r0!, {{r2, r3}}",
    "   subs r1, r1, #8",
    "   b 1b",
    "5: cmp r1, #4",
    "   blo 2f",
    "   stm r0!, {{r2}}",
    "   subs r1, r1, #4",
    "2: subs r1, r1, #1",
    "   bcc 3f",
    "   strb r2, [r0, r1]",
    "   b 2b",
    "3: bx lr",
    ".size __aeabi_memclr4, . - __aeabi_memclr4",
    ".section .text.memcmp,\"ax\",%progbits",
    ".weak memcmp",
    ".type memcmp,%function",
    ".thumb_func",
    "memcmp:",
    "   push {{r4, lr}}",
    "1: subs r2, r2, #1",
    "   bcc 2f",
    "   ldrb r3, [r0]",
    "   ldrb r4, [r1]",
    "   adds r0, r0, #1",
    "   adds r1, r1, #1",
    "   subs r3, r3, r4",
    "   beq 1b",
    "   mov r0, r3",
    "   pop {{r4, pc}}",
    "2: movs r0, #0",
    "   pop {{r4, pc}}",
    ".size memcmp, . - memcmp",
);

// C names with the RISC-V calling convention (RV32I + C instructions only):
// memcpy(a0 dst, a1 src, a2 n) -> a0, memset(a0 dst, a1 byte, a2 n) -> a0,
// memcmp(a0, a1, a2) -> a0.
#[cfg(target_arch = "riscv32")]
core::arch::global_asm!(
    ".section .text.memcpy,\"ax\",@progbits",
    ".weak memcpy",
    ".type memcpy,@function",
    "memcpy:",
    "   mv t1, a0",
    // Whole words forward when both pointers are word-aligned.
    "   or t0, a0, a1",
    "   andi t0, t0, 3",
    "   bnez t0, 2f",
    "   li t2, 4",
    "1: bltu a2, t2, 2f",
    "   lw t0, 0(a1)",
    "   sw t0, 0(t1)",
    "   addi a1, a1, 4",
    "   addi t1, t1, 4",
    "   addi a2, a2, -4",
    "   j 1b",
    "2: beqz a2, 3f",
    "   lbu t0, 0(a1)",
    "   sb t0, 0(t1)",
    "   addi a1, a1, 1",
    "   addi t1, t1, 1",
    "   addi a2, a2, -1",
    "   j 2b",
    "3: ret",
    ".size memcpy, . - memcpy",
    ".section .text.memset,\"ax\",@progbits",
    ".weak memset",
    ".type memset,@function",
    "memset:",
    "   mv t1, a0",
    // Bytes up to a word boundary.
    "1: andi t0, t1, 3",
    "   beqz t0, 2f",
    "   beqz a2, 4f",
    "   sb a1, 0(t1)",
    "   addi t1, t1, 1",
    "   addi a2, a2, -1",
    "   j 1b",
    // The byte in all four lanes, whole words, then the bytes.
    "2: andi t0, a1, 255",
    "   slli t2, t0, 8",
    "   or t0, t0, t2",
    "   slli t2, t0, 16",
    "   or t0, t0, t2",
    "   li t2, 4",
    "3: bltu a2, t2, 5f",
    "   sw t0, 0(t1)",
    "   addi t1, t1, 4",
    "   addi a2, a2, -4",
    "   j 3b",
    "5: beqz a2, 4f",
    "   sb a1, 0(t1)",
    "   addi t1, t1, 1",
    "   addi a2, a2, -1",
    "   j 5b",
    "4: ret",
    ".size memset, . - memset",
    ".section .text.memcmp,\"ax\",@progbits",
    ".weak memcmp",
    ".type memcmp,@function",
    "memcmp:",
    "1: beqz a2, 2f",
    "   lbu t0, 0(a0)",
    "   lbu t1, 0(a1)",
    "   addi a0, a0, 1",
    "   addi a1, a1, 1",
    "   addi a2, a2, -1",
    "   beq t0, t1, 1b",
    "   sub a0, t0, t1",
    "   ret",
    "2: li a0, 0",
    "   ret",
    ".size memcmp, . - memcmp",
);
