# CMake toolchain file for bare-metal Cortex-M with arm-none-eabi-gcc
# (Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi).
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=<aliyun-mqtt-sign>/cmake/arm-none-eabi.cmake -DARM_CPU=cortex-m4 ...
#
# ARM_CPU picks the C flags and the matching Rust target, which the library's
# CMakeLists reads from ALIYUN_MQTT_SIGN_RUST_TARGET:
#   cortex-m4   -mfloat-abi=hard -mfpu=fpv4-sp-d16   thumbv7em-none-eabihf
#   cortex-m4-soft / cortex-m7-soft                  thumbv7em-none-eabi
#   cortex-m3                                        thumbv7m-none-eabi
#   cortex-m0 / cortex-m0plus                        thumbv6m-none-eabi
# (rustup target add <triple> once for the ones you use.)
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(ARM_CPU "cortex-m4" CACHE STRING "Target CPU (see the table at the top of the toolchain file)")
if(ARM_CPU STREQUAL "cortex-m4")
  set(_arm_flags "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
  set(_rust_target thumbv7em-none-eabihf)
elseif(ARM_CPU MATCHES "^cortex-m(4|7)-soft$")
  string(REPLACE "-soft" "" _cpu "${ARM_CPU}")
  set(_arm_flags "-mcpu=${_cpu} -mthumb -mfloat-abi=soft")
  set(_rust_target thumbv7em-none-eabi)
elseif(ARM_CPU STREQUAL "cortex-m3")
  set(_arm_flags "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft")
  set(_rust_target thumbv7m-none-eabi)
elseif(ARM_CPU MATCHES "^cortex-m0(plus)?$")
  set(_arm_flags "-mcpu=${ARM_CPU} -mthumb -mfloat-abi=soft")
  set(_rust_target thumbv6m-none-eabi)
else()
  message(FATAL_ERROR "ARM_CPU=${ARM_CPU} is not one of cortex-m4, cortex-m4-soft, cortex-m7-soft, cortex-m3, cortex-m0, cortex-m0plus")
endif()
set(ALIYUN_MQTT_SIGN_RUST_TARGET "${_rust_target}" CACHE STRING "Rust target triple" FORCE)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy)
set(CMAKE_SIZE arm-none-eabi-size)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "${_arm_flags} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${_arm_flags} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${_arm_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_arm_flags} -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
