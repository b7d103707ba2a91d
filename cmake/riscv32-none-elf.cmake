# CMake toolchain file for bare-metal 32-bit RISC-V with riscv64-unknown-elf-gcc
# and picolibc (Debian: gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf).
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=<aliyun-mqtt-sign>/cmake/riscv32-none-elf.cmake -DRISCV_ARCH=rv32imac ...
#
# RISCV_ARCH picks the C flags and the matching Rust target, which the
# library's CMakeLists reads from ALIYUN_MQTT_SIGN_RUST_TARGET:
#   rv32imac   -march=rv32imac -mabi=ilp32   riscv32imac-unknown-none-elf  (GD32VF103, BL602, ESP32-C6)
#   rv32imc    -march=rv32imc -mabi=ilp32    riscv32imc-unknown-none-elf   (ESP32-C3)
# (rustup target add <triple> once for the ones you use.)
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(RISCV_ARCH "rv32imac" CACHE STRING "Target ISA: rv32imac or rv32imc")
if(RISCV_ARCH STREQUAL "rv32imac")
  set(_rust_target riscv32imac-unknown-none-elf)
elseif(RISCV_ARCH STREQUAL "rv32imc")
  set(_rust_target riscv32imc-unknown-none-elf)
else()
  message(FATAL_ERROR "RISCV_ARCH=${RISCV_ARCH} is not one of rv32imac, rv32imc")
endif()
set(ALIYUN_MQTT_SIGN_RUST_TARGET "${_rust_target}" CACHE STRING "Rust target triple" FORCE)
set(_rv_flags "-march=${RISCV_ARCH} -mabi=ilp32")

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_AR riscv64-unknown-elf-ar)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy)
set(CMAKE_SIZE riscv64-unknown-elf-size)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# picolibc's specs once, in the compile flags (which CMake passes to the link
# as well; twice is an error).
set(CMAKE_C_FLAGS_INIT "${_rv_flags} --specs=picolibc.specs -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${_rv_flags} --specs=picolibc.specs -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${_rv_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_rv_flags} -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
