# Every dependency comes from a Debian 12 package (scripts/install-deps).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
# For every target alike: Asio's handler hooks and Beast's string_view
# differ under these macros, so a program whose parts disagree on them
# breaks the one-definition rule (clang's UBSan caught Asio allocating a
# timer's handler through the other part's hook: a null pointer).
add_compile_definitions(BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(tl-expected REQUIRED)
find_package(OpenSSL REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(PIPEWIRE REQUIRED IMPORTED_TARGET libpipewire-0.3)
pkg_check_modules(SPEEXDSP REQUIRED IMPORTED_TARGET speexdsp)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(URIPARSER REQUIRED IMPORTED_TARGET liburiparser)
pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq)
# libzmq.pc's flags name its dependencies' headers (Kerberos, OpenPGM,
# libxml2), and CMake 3.25 files "-isystem /usr/include/mit-krb5" as an
# include directory at the first configure but as a compile option at the
# next, so every re-configure rebuilt p2p and all that links it. zmq.h is
# in /usr/include and includes none of them: the target keeps no flags.
set_target_properties(PkgConfig::ZMQ PROPERTIES INTERFACE_COMPILE_OPTIONS "" INTERFACE_INCLUDE_DIRECTORIES "")
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(AVAHI REQUIRED IMPORTED_TARGET avahi-client)
if(ROCD_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(ROCD_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
