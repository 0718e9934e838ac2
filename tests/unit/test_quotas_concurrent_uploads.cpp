// ingest/quotas/concurrent_uploads: a principal's uploads in progress are capped; slots come
// back when uploads end, whatever way; principals do not share a count.
#include <doctest/doctest.h>

#include <vector>

#include "ingest/quotas/concurrent_uploads.hpp"

using fotogal::ingest::quotas::ConcurrentUploads;

TEST_CASE("quotas concurrent uploads: the cap is per principal and slots come back") {
    ConcurrentUploads uploads(2);
    std::vector<ConcurrentUploads::Slot> held;
    held.push_back(*uploads.try_start("alice"));
    held.push_back(*uploads.try_start("alice"));
    CHECK_FALSE(uploads.try_start("alice"));
    CHECK(uploads.try_start("bob"));  // taken and given back at once
    CHECK(uploads.in_progress("alice") == 2);
    CHECK(uploads.in_progress("bob") == 0);
    held.pop_back();
    CHECK(uploads.in_progress("alice") == 1);
    CHECK(uploads.try_start("alice"));
    held.clear();
    CHECK(uploads.in_progress("alice") == 0);
}

TEST_CASE("quotas concurrent uploads: 0 means no cap") {
    ConcurrentUploads uploads(0);
    std::vector<ConcurrentUploads::Slot> held;
    for (int i = 0; i < 100; ++i) held.push_back(*uploads.try_start("alice"));
    CHECK(uploads.in_progress("alice") == 100);
}
