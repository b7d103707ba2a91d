/* QEMU TCG plugin (plugin API version 1, QEMU 4.2 to 8.x): counts the guest
 * instructions executed between two marker addresses.
 *
 *   qemu-system-... -plugin libinsn_count.so,begin=0xADDR,end=0xADDR
 *
 * Every executed instruction adds one to a counter (inline, no callback);
 * executing the instruction at `begin` records the counter, executing the
 * one at `end` prints "INSNS <n>" with the instructions run since `begin`
 * (the `begin` instruction included, the `end` one not). One line per
 * begin/end pair, in order, on QEMU's log (stderr).
 *
 * Debian packages no qemu-plugin.h, so the handful of declarations this
 * needs are written out here; they match include/qemu/qemu-plugin.h of the
 * QEMU versions above. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS = 0 };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 = 0 };
typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*udata_cb)(unsigned int vcpu_index, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, udata_cb cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t executed, begun, begin_addr, end_addr;

/* Runs before the marker instruction's inline add. */
static void at_begin(unsigned int vcpu, void *udata) {
    (void)vcpu;
    (void)udata;
    begun = executed;
}

static void at_end(unsigned int vcpu, void *udata) {
    char line[48];
    (void)vcpu;
    (void)udata;
    snprintf(line, sizeof line, "INSNS %" PRIu64 "\n", executed - begun);
    qemu_plugin_outs(line);
}

static void translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    for (size_t i = 0, n = qemu_plugin_tb_n_insns(tb); i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t pc = qemu_plugin_insn_vaddr(insn);
        if (pc == begin_addr)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, at_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
        if (pc == end_addr)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, at_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
    }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const void *info, int argc,
                                                               char **argv) {
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "begin=", 6) == 0) begin_addr = strtoull(argv[i] + 6, NULL, 0);
        if (strncmp(argv[i], "end=", 4) == 0) end_addr = strtoull(argv[i] + 4, NULL, 0);
    }
    if (begin_addr == 0 || end_addr == 0) {
        qemu_plugin_outs("insn_count: needs begin=ADDR,end=ADDR\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, translate);
    return 0;
}
