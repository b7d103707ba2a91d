# cmake -DSOURCE=<tree> -P mapping.cmake: the Rust target derived from
# compiler targets and flags, case by case, without a compiler. Prints
# "ok <n>" or the first mismatch (exit status 1).
# With -DONE="<compiler target>|<processor>|<flags>": that case alone,
# printing "target <triple>" or failing as a configure would.
include("${SOURCE}/cmake/RustTarget.cmake")
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_C_COMPILER cc-under-test)
if(DEFINED ONE)
  string(REPLACE "|" ";" _f "${ONE}")
  list(GET _f 0 CMAKE_C_COMPILER_TARGET)
  list(GET _f 1 CMAKE_SYSTEM_PROCESSOR)
  list(GET _f 2 CMAKE_C_FLAGS)
  aliyun_mqtt_sign_rust_target(_got)
  message("target ${_got}")
  return()
endif()
set(_cases
  "arm-none-eabi|arm|-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard|thumbv7em-none-eabihf"
  "arm-none-eabi|cortex-m4|-mcpu=cortex-m4 -mfloat-abi=softfp|thumbv7em-none-eabi"
  "arm-none-eabi|arm|-mcpu=cortex-m7 -mfloat-abi=soft -mfloat-abi=hard|thumbv7em-none-eabihf"
  "arm-none-eabi|arm|-mcpu=cortex-m4+nofp -mthumb|thumbv7em-none-eabi"
  "arm-none-eabi|arm|-mthumb -march=armv7e-m+fp -mfloat-abi=hard|thumbv7em-none-eabihf"
  "arm-none-eabi|arm|-mcpu=cortex-m0|thumbv6m-none-eabi"
  "arm-none-eabi|arm|-mcpu=cortex-m0plus -mthumb|thumbv6m-none-eabi"
  "arm-none-eabi|arm|-march=armv6-m|thumbv6m-none-eabi"
  "arm-none-eabi|cortex-m3|-mcpu=cortex-m3|thumbv7m-none-eabi"
  "arm-none-eabi|arm|-mcpu=cortex-m23|thumbv8m.base-none-eabi"
  "arm-none-eabi|arm|-mcpu=cortex-m33 -mfloat-abi=hard|thumbv8m.main-none-eabihf"
  "arm-none-eabi|arm|-march=armv8-m.main|thumbv8m.main-none-eabi"
  "riscv64-unknown-elf|riscv|-march=rv32imac -mabi=ilp32|riscv32imac-unknown-none-elf"
  "riscv64-unknown-elf|riscv32|-march=rv32imc_zicsr -mabi=ilp32|riscv32imc-unknown-none-elf"
  "riscv32-esp-elf|riscv|-march=rv32imc|riscv32imc-unknown-none-elf"
  "riscv64-unknown-elf|riscv|-march=rv32imafc -mabi=ilp32|riscv32imac-unknown-none-elf"
  "riscv64-unknown-elf|riscv|-march=rv32imafc -mabi=ilp32f|riscv32imafc-unknown-none-elf"
  "riscv64-unknown-elf|riscv|-march=rv32im|riscv32im-unknown-none-elf"
  "riscv64-unknown-elf|riscv|-march=rv32i|riscv32i-unknown-none-elf")
set(_n 0)
foreach(_case IN LISTS _cases)
  string(REPLACE "|" ";" _f "${_case}")
  list(GET _f 0 CMAKE_C_COMPILER_TARGET)
  list(GET _f 1 CMAKE_SYSTEM_PROCESSOR)
  list(GET _f 2 CMAKE_C_FLAGS)
  list(GET _f 3 _want)
  aliyun_mqtt_sign_rust_target(_got)
  if(NOT _got STREQUAL _want)
    message(FATAL_ERROR "'${CMAKE_C_FLAGS}' (${CMAKE_C_COMPILER_TARGET}): ${_got}, want ${_want}")
  endif()
  math(EXPR _n "${_n} + 1")
endforeach()
message("ok ${_n}")
