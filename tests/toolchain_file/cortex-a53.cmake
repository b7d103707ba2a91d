# A bare-metal Cortex-A53: no Rust target this library knows. Configuring
# must stop and name ALIYUN_MQTT_SIGN_RUST_TARGET.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS "-mcpu=cortex-a53 -mfloat-abi=soft")
