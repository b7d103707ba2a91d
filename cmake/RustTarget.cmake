# The Rust target for a cross build, derived from the C compiler and its
# flags, so that a firmware project's own toolchain file (CMAKE_SYSTEM_NAME
# Generic, arm-none-eabi-gcc or riscv*-elf-gcc, -mcpu/-march/-mfloat-abi in
# CMAKE_C_FLAGS) gets a library for its core, never one for the host.
#
#   aliyun_mqtt_sign_rust_target(<out-var>)
#
# Sets <out-var> to the triple, or stops with an error that names
# ALIYUN_MQTT_SIGN_RUST_TARGET when the core is not one it knows.
#
#   Arm (-mcpu or -march; -mfloat-abi=hard selects the eabihf targets)
#     cortex-m0 / m0plus / m1, armv6-m        thumbv6m-none-eabi
#     cortex-m3, armv7-m                      thumbv7m-none-eabi
#     cortex-m4 / m7, armv7e-m                thumbv7em-none-eabi[hf]
#     cortex-m23, armv8-m.base                thumbv8m.base-none-eabi
#     cortex-m33 / m35p / m55 / m85,
#     armv8-m.main, armv8.1-m.main            thumbv8m.main-none-eabi[hf]
#   RISC-V (-march, 32-bit bases; -mabi=ilp32f selects the hard-float one)
#     rv32i                                   riscv32i-unknown-none-elf
#     rv32im                                  riscv32im-unknown-none-elf
#     rv32imc                                 riscv32imc-unknown-none-elf
#     rv32imac (rv32imafc with -mabi=ilp32)   riscv32imac-unknown-none-elf
#     rv32imafc with -mabi=ilp32f             riscv32imafc-unknown-none-elf
#   (extensions after an underscore, such as _zicsr, are ignored)

function(_ams_target_error why)
  message(FATAL_ERROR
    "aliyun_mqtt_sign: cross build for ${CMAKE_SYSTEM_NAME}/${CMAKE_SYSTEM_PROCESSOR} with "
    "${CMAKE_C_COMPILER} (C flags '${CMAKE_C_FLAGS}'): ${why}. Set "
    "-DALIYUN_MQTT_SIGN_RUST_TARGET=<rust target triple> (for example thumbv7em-none-eabihf, "
    "riscv32imac-unknown-none-elf).")
endfunction()

function(aliyun_mqtt_sign_rust_target out)
  # Everything the compiler is told about the core: the flags of the
  # toolchain file (CMAKE_C_FLAGS, already holding CMAKE_C_FLAGS_INIT) and
  # the compiler's target.
  string(TOUPPER "${CMAKE_BUILD_TYPE}" _type)
  set(_flags "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${_type}}")
  set(_machine "${CMAKE_C_COMPILER_TARGET}")
  if(NOT _machine)
    execute_process(COMMAND "${CMAKE_C_COMPILER}" -dumpmachine
                    OUTPUT_VARIABLE _machine OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  # The last of each flag wins, as on the compiler's command line.
  foreach(_opt mcpu march mfloat-abi mabi)
    string(REGEX MATCHALL "(^| )-${_opt}=[^ ]+" _all "${_flags}")
    set(_${_opt} "")
    foreach(_m IN LISTS _all)
      string(REGEX REPLACE "^ ?-${_opt}=" "" _v "${_m}")
      set(_${_opt} "${_v}")
    endforeach()
  endforeach()
  string(REGEX REPLACE "\\+.*" "" _cpu "${_mcpu}")  # cortex-m4+nofp -> cortex-m4

  if(_machine MATCHES "^(arm|thumb)" OR CMAKE_SYSTEM_PROCESSOR MATCHES "^(arm|cortex|thumb)")
    string(REGEX REPLACE "\\+.*" "" _arch "${_march}")
    if(_cpu MATCHES "^cortex-m(0|0plus|1)$" OR (NOT _cpu AND _arch STREQUAL "armv6-m"))
      set(_t thumbv6m-none-eabi)
      set(_fpu_possible OFF)
    elseif(_cpu STREQUAL "cortex-m3" OR (NOT _cpu AND _arch STREQUAL "armv7-m"))
      set(_t thumbv7m-none-eabi)
      set(_fpu_possible OFF)
    elseif(_cpu MATCHES "^cortex-m(4|7)$" OR (NOT _cpu AND _arch STREQUAL "armv7e-m"))
      set(_t thumbv7em-none-eabi)
      set(_fpu_possible ON)
    elseif(_cpu STREQUAL "cortex-m23" OR (NOT _cpu AND _arch STREQUAL "armv8-m.base"))
      set(_t thumbv8m.base-none-eabi)
      set(_fpu_possible OFF)
    elseif(_cpu MATCHES "^cortex-m(33|35p|52|55|85)$"
           OR (NOT _cpu AND _arch MATCHES "^armv8(\\.1)?-m\\.main$"))
      set(_t thumbv8m.main-none-eabi)
      set(_fpu_possible ON)
    elseif(NOT _cpu AND NOT _arch)
      _ams_target_error("no -mcpu= or -march= in the C flags to choose the Arm core by")
    else()
      _ams_target_error("the core '${_mcpu}${_march}' is not a Cortex-M this build knows")
    endif()
    if(_mfloat-abi STREQUAL "hard")
      if(NOT _fpu_possible)
        _ams_target_error("-mfloat-abi=hard on a core without a floating-point unit")
      endif()
      set(_t "${_t}hf")
    endif()
  elseif(_machine MATCHES "^riscv" OR CMAKE_SYSTEM_PROCESSOR MATCHES "^riscv")
    string(TOLOWER "${_march}" _arch)
    string(REGEX REPLACE "_.*" "" _arch "${_arch}")  # rv32imac_zicsr -> rv32imac
    string(REGEX REPLACE "^rv32g" "rv32imafd" _arch "${_arch}")
    if(NOT _arch MATCHES "^rv32[ie]")
      _ams_target_error("-march='${_march}' is not a 32-bit RISC-V base (rv32i...)")
    endif()
    string(SUBSTRING "${_arch}" 4 -1 _ext)
    foreach(_x m a f d c)
      string(FIND "${_ext}" "${_x}" _at)
      if(_at GREATER -1)
        set(_has_${_x} ON)
      else()
        set(_has_${_x} OFF)
      endif()
    endforeach()
    # The Rust targets, from the most capable the core can run. Floating
    # point matters only through the calling convention: ilp32f passes
    # floats in registers, as riscv32imafc does; with ilp32 the soft-float
    # targets link.
    if(_mabi MATCHES "^ilp32[fd]$")
      if(NOT (_mabi STREQUAL "ilp32f" AND _has_m AND _has_a AND _has_f AND _has_c))
        _ams_target_error("-mabi=${_mabi} needs a rv32imafc core for riscv32imafc-unknown-none-elf")
      endif()
      set(_t riscv32imafc-unknown-none-elf)
    elseif(_has_m AND _has_a AND _has_c)
      set(_t riscv32imac-unknown-none-elf)
    elseif(_has_m AND _has_c)
      set(_t riscv32imc-unknown-none-elf)
    elseif(_has_m)
      set(_t riscv32im-unknown-none-elf)
    else()
      set(_t riscv32i-unknown-none-elf)
    endif()
  else()
    _ams_target_error("the compiler's target '${_machine}' is neither Arm nor RISC-V")
  endif()
  set(${out} "${_t}" PARENT_SCOPE)
endfunction()
