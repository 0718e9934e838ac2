# Every dependency comes from a Debian 12 package (see README, "Dependencies").
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL 7.85 REQUIRED)  # object storage (s3://, oci://)
find_package(nlohmann_json 3.11 REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka>=2.0)
pkg_check_modules(LIBEXIF REQUIRED IMPORTED_TARGET libexif)
# Image codecs, colour management and the QR reader, called directly: one small library per
# format instead of OpenCV's imgcodecs, whose Debian build pulls Qt, Mesa, GDAL and GDCM.
pkg_check_modules(LIBJPEG REQUIRED IMPORTED_TARGET libjpeg)
pkg_check_modules(LIBPNG REQUIRED IMPORTED_TARGET libpng16)
pkg_check_modules(LIBWEBP REQUIRED IMPORTED_TARGET libwebp)
pkg_check_modules(LIBTIFF REQUIRED IMPORTED_TARGET libtiff-4>=4.5)  # TIFFOpenOptions
pkg_check_modules(OPENJPEG REQUIRED IMPORTED_TARGET libopenjp2)
pkg_check_modules(ZBAR REQUIRED IMPORTED_TARGET zbar)
pkg_check_modules(LCMS2 REQUIRED IMPORTED_TARGET lcms2)
pkg_check_modules(LIBHEIF REQUIRED IMPORTED_TARGET libheif)
find_package(ZLIB REQUIRED)
find_path(GIFLIB_INCLUDE_DIR gif_lib.h REQUIRED)  # giflib ships no pkg-config file
find_library(GIFLIB_LIB gif REQUIRED)

# Debian splits OpenCV into per-module -dev packages; only libopencv-dev ships the CMake
# config, and it pulls in every module. We link the modules we use by name instead.
# `opencv` is what the shipped binaries link: no imgcodecs (see above), no contrib.
find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
add_library(opencv INTERFACE)
target_include_directories(opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})
foreach(module core imgproc objdetect dnn)
  find_library(OPENCV_${module}_LIB opencv_${module} REQUIRED)
  target_link_libraries(opencv INTERFACE ${OPENCV_${module}_LIB})
endforeach()
# Tests only (never shipped): OpenCV's imread/imencode as an independent oracle.
if(FOTOGAL_TESTS)
  find_library(OPENCV_imgcodecs_LIB opencv_imgcodecs REQUIRED)
  add_library(opencv_test_codecs INTERFACE)
  target_link_libraries(opencv_test_codecs INTERFACE opencv ${OPENCV_imgcodecs_LIB})
endif()
