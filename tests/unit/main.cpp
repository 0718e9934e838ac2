// The unit tests' main: OpenCV runs single-threaded here, as in a worker whose cores are
// taken by one job each (workers/main.cpp). It also keeps OpenCV's idle pool threads out of
// the process at exit, where LeakSanitizer's thread tracer crashed on them ("Tracer caught
// signal 11") after the handler test on a 10 Mpx photo.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <opencv2/core/utility.hpp>

int main(int argc, char** argv) {
    cv::setNumThreads(1);
    return doctest::Context(argc, argv).run();
}
