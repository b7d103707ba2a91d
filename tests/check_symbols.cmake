cmake_minimum_required(VERSION 3.18)
# Links every exported function of the static library with -nostdlib and
# reads the linker's complaints: what the library needs from outside. Only
# libc's mem* functions (and bcmp, the equality form of memcmp that LLVM
# emits) are allowed. No allocator (malloc, __rust_alloc...), no unwinder,
# no abort, no stdio. Inputs: CC, LIB.
set(_api aliyun_mqtt_device_default aliyun_mqtt_client_id aliyun_mqtt_username
    aliyun_mqtt_password aliyun_mqtt_host aliyun_mqtt_sign aliyun_mqtt_status_str
    aliyun_mqtt_status_name aliyun_mqtt_version aliyun_mqtt_keepalive_ok)
set(_args -nostdlib -nostartfiles -o "${CMAKE_CURRENT_BINARY_DIR}/symbols_probe" -Wl,-e,aliyun_mqtt_sign)
foreach(_sym IN LISTS _api)
  list(APPEND _args "-Wl,--undefined=${_sym}")
endforeach()
execute_process(COMMAND "${CC}" ${_args} "${LIB}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
string(REGEX MATCHALL "undefined reference to `[^']+'" _refs "${_err}")
set(_needed "")
foreach(_ref IN LISTS _refs)
  string(REGEX REPLACE "undefined reference to `([^']+)'" "\\1" _sym "${_ref}")
  list(APPEND _needed "${_sym}")
endforeach()
list(REMOVE_DUPLICATES _needed)
# Anything else the linker said (a missing API symbol, say) is a failure too.
string(REGEX REPLACE "[^\n]*undefined reference to `[^']+'[^\n]*\n?" "" _rest "${_err}")
string(REGEX REPLACE "[^\n]*(: in function|collect2|more undefined references)[^\n]*\n?" "" _rest "${_rest}")
string(STRIP "${_rest}" _rest)
if(_rest)
  message(FATAL_ERROR "unexpected linker output:\n${_rest}")
endif()
set(_allowed memcpy memmove memset memcmp bcmp)
set(_bad "")
foreach(_sym IN LISTS _needed)
  if(NOT _sym IN_LIST _allowed)
    list(APPEND _bad "${_sym}")
  endif()
endforeach()
if(_bad)
  message(FATAL_ERROR "the static library needs forbidden symbols: ${_bad}")
endif()
if(NOT "memcpy" IN_LIST _needed)
  message(FATAL_ERROR "probe saw no undefined memcpy: the link did not run as expected:\n${_err}")
endif()
message(STATUS "the static library needs only: ${_needed}")
