# Every dependency comes from a Debian 12 package (see README, "Dependencies").
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL 7.85 REQUIRED)  # object storage (s3://, oci://)
find_package(nlohmann_json 3.11 REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka>=2.0)
pkg_check_modules(LIBEXIF REQUIRED IMPORTED_TARGET libexif)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Image codecs and colour management the pipeline uses directly (beyond OpenCV's imdecode).
pkg_check_modules(LIBJPEG REQUIRED IMPORTED_TARGET libjpeg)
pkg_check_modules(LCMS2 REQUIRED IMPORTED_TARGET lcms2)
pkg_check_modules(LIBHEIF REQUIRED IMPORTED_TARGET libheif)
find_package(ZLIB REQUIRED)
find_path(GIFLIB_INCLUDE_DIR gif_lib.h REQUIRED)  # giflib ships no pkg-config file
find_library(GIFLIB_LIB gif REQUIRED)

# Debian splits OpenCV into per-module -dev packages; only libopencv-dev ships the CMake
# config, and it pulls in every module. We link the modules we use by name instead.
find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
add_library(opencv INTERFACE)
target_include_directories(opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})
foreach(module core imgproc imgcodecs objdetect wechat_qrcode)
  find_library(OPENCV_${module}_LIB opencv_${module} REQUIRED)
  target_link_libraries(opencv INTERFACE ${OPENCV_${module}_LIB})
endforeach()
