// common/storage/file_store.hpp through open_object_store("file://..."): the embedded object
// store. Each test case gets its own fresh temporary directory, removed afterwards.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/storage/object_store.hpp"

namespace {

namespace fs = std::filesystem;
using fotogal::storage::ObjectStore;
using fotogal::storage::open_object_store;
using fotogal::storage::StorageError;
using Bytes = std::vector<std::uint8_t>;

struct TempStore {
    fs::path dir;
    std::unique_ptr<ObjectStore> store;
    TempStore() {
        std::string pattern = (fs::temp_directory_path() / "fotogal-file-store-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        dir = pattern;
        store = open_object_store("file://" + dir.string());
    }
    ~TempStore() {
        store.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    TempStore(const TempStore&) = delete;
    TempStore& operator=(const TempStore&) = delete;
};

Bytes bytes_of(const std::string& s) {
    return {s.begin(), s.end()};
}

std::vector<std::string> keys_of(const fotogal::storage::ListPage& page) {
    std::vector<std::string> out;
    for (const auto& o : page.objects) out.push_back(o.key);
    return out;
}

// Every regular file under `dir`, as paths relative to it.
std::vector<std::string> files_under(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).generic_string());
    return out;
}

}  // namespace

TEST_CASE("file store: put, get, head and remove round trip binary bytes") {
    TempStore t;
    Bytes data = {0x00, 0xff, 0x00, 0x0a, 0x0d, 0x1a, 0x80, 0x00};
    for (int i = 0; i < 256; ++i) data.push_back(static_cast<std::uint8_t>(i));
    t.store->put("originals/abc", data, "application/octet-stream");

    auto got = t.store->get("originals/abc");
    REQUIRE(got.has_value());
    CHECK(*got == data);
    auto info = t.store->head("originals/abc");
    REQUIRE(info.has_value());
    CHECK(info->key == "originals/abc");
    CHECK(info->size == data.size());

    t.store->remove("originals/abc");
    CHECK_FALSE(t.store->get("originals/abc").has_value());
    CHECK_FALSE(t.store->head("originals/abc").has_value());
}

TEST_CASE("file store: an empty object is stored and is not the same as a missing one") {
    TempStore t;
    t.store->put("empty", Bytes{}, "text/plain");
    auto got = t.store->get("empty");
    REQUIRE(got.has_value());
    CHECK(got->empty());
    REQUIRE(t.store->head("empty").has_value());
    CHECK(t.store->head("empty")->size == 0);
}

TEST_CASE("file store: missing keys give nullopt and removing them is fine") {
    TempStore t;
    CHECK_FALSE(t.store->get("nope").has_value());
    CHECK_FALSE(t.store->head("nope").has_value());
    CHECK_FALSE(t.store->get("no/such/dir/key").has_value());
    CHECK_FALSE(t.store->head("no/such/dir/key").has_value());
    CHECK_NOTHROW(t.store->remove("nope"));
    CHECK_NOTHROW(t.store->remove("no/such/dir/key"));
}

TEST_CASE("file store: overwriting replaces the whole object") {
    TempStore t;
    t.store->put("k", bytes_of("a much longer first value"), "text/plain");
    t.store->put("k", bytes_of("short"), "text/plain");
    CHECK(t.store->get("k") == std::optional<Bytes>(bytes_of("short")));
    CHECK(t.store->head("k")->size == 5);
}

TEST_CASE("file store: bad keys throw a non-transient StorageError") {
    TempStore t;
    const std::vector<std::string> bad = {
        "",  "..",  "../escape", "a/../../escape",       "a/..", "/abs", "a/", "/", "a//b",
        ".", "./a", "a/./b",     std::string("a\0b", 3),
    };
    for (const auto& key : bad) {
        CAPTURE(key);
        for (int op = 0; op < 4; ++op) {
            CAPTURE(op);
            bool threw = false;
            try {
                if (op == 0) t.store->put(key, bytes_of("x"), "text/plain");
                if (op == 1) (void)t.store->get(key);
                if (op == 2) (void)t.store->head(key);
                if (op == 3) t.store->remove(key);
            } catch (const StorageError& e) {
                threw = true;
                CHECK_FALSE(e.transient());
            }
            CHECK(threw);
        }
    }
    // Nothing escaped the root.
    CHECK_FALSE(fs::exists(t.dir.parent_path() / "escape"));
    CHECK(files_under(t.dir).empty());
}

TEST_CASE("file store: list by prefix in key order across nested directories, with paging") {
    TempStore t;
    for (const char* key : {"a/b/c/4", "ab", "a/2", "b/5", "a/1", "a/b/3", "a/b/d"})
        t.store->put(key, bytes_of(key), "text/plain");

    auto all = t.store->list("", "", 100);
    CHECK(keys_of(all) ==
          std::vector<std::string>{"a/1", "a/2", "a/b/3", "a/b/c/4", "a/b/d", "ab", "b/5"});
    CHECK_FALSE(all.next_start_after.has_value());
    REQUIRE(all.objects.size() == 7);
    CHECK(all.objects[3].size == std::string("a/b/c/4").size());

    CHECK(keys_of(t.store->list("a", "", 100)) ==
          std::vector<std::string>{"a/1", "a/2", "a/b/3", "a/b/c/4", "a/b/d", "ab"});
    CHECK(keys_of(t.store->list("a/b/", "", 100)) ==
          std::vector<std::string>{"a/b/3", "a/b/c/4", "a/b/d"});
    CHECK(t.store->list("zzz", "", 100).objects.empty());

    // Page through "a/" two at a time.
    std::vector<std::string> paged;
    std::string after;
    int pages = 0;
    for (;;) {
        auto page = t.store->list("a/", after, 2);
        REQUIRE(++pages <= 10);
        CHECK(page.objects.size() <= 2);
        for (const auto& k : keys_of(page)) paged.push_back(k);
        if (!page.next_start_after) break;
        CHECK(*page.next_start_after == page.objects.back().key);
        after = *page.next_start_after;
    }
    CHECK(pages == 3);
    CHECK(paged == std::vector<std::string>{"a/1", "a/2", "a/b/3", "a/b/c/4", "a/b/d"});

    // start_after is exclusive and need not be an existing key.
    CHECK(keys_of(t.store->list("", "a/b/", 2)) == std::vector<std::string>{"a/b/3", "a/b/c/4"});
}

TEST_CASE("file store: puts leave no temporary files behind") {
    TempStore t;
    for (int i = 0; i < 20; ++i) {
        t.store->put("dir/key" + std::to_string(i % 5), bytes_of(std::to_string(i)), "text/plain");
        t.store->put("top", Bytes(1000, static_cast<std::uint8_t>(i)), "text/plain");
    }
    auto files = files_under(t.dir);
    CHECK(files.size() == 6);
    for (const auto& f : files) {
        CAPTURE(f);
        CHECK(f.find("tmp") == std::string::npos);
    }
    CHECK(t.store->list("", "", 100).objects.size() == 6);
    CHECK(t.store->get("dir/key4") == std::optional<Bytes>(bytes_of("19")));
}

TEST_CASE("file store: readers and listers never see a partial object or a temporary file") {
    TempStore t;
    const std::size_t kSize = 1 << 20;
    Bytes a(kSize), b(kSize);
    for (std::size_t i = 0; i < kSize; ++i) {
        a[i] = static_cast<std::uint8_t>(i * 7 + 1);
        b[i] = static_cast<std::uint8_t>(255 - (i * 13 % 256));
    }
    t.store->put("shared/object", a, "application/octet-stream");

    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 60; ++i) t.store->put("shared/object", (i % 2) ? a : b, "x");
        done = true;
    });

    int reads = 0, torn = 0, missing = 0, bad_listings = 0;
    while (!done.load() || reads == 0) {
        auto got = t.store->get("shared/object");
        ++reads;
        if (!got)
            ++missing;
        else if (*got != a && *got != b)
            ++torn;
        auto listed = keys_of(t.store->list("", "", 10));
        if (listed != std::vector<std::string>{"shared/object"}) ++bad_listings;
        REQUIRE(reads < 100'000);
    }
    writer.join();
    CAPTURE(reads);
    CHECK(missing == 0);
    CHECK(torn == 0);
    CHECK(bad_listings == 0);
    CHECK(files_under(t.dir) == std::vector<std::string>{"shared/object"});
}

TEST_CASE("file store: open_object_store checks the URL") {
    try {
        open_object_store("ftp://example.com/bucket");
        FAIL("expected StorageError");
    } catch (const StorageError& e) {
        CHECK(std::string(e.what()).find("ftp://example.com/bucket") != std::string::npos);
        CHECK_FALSE(e.transient());
    }
    CHECK_THROWS_AS(open_object_store(""), StorageError);
    CHECK_THROWS_AS(open_object_store("file://"), StorageError);
    CHECK_THROWS_AS(open_object_store("/just/a/path"), StorageError);

    TempStore t;
    CHECK(t.store->describe() == "file://" + t.dir.string());
}

TEST_CASE("file store: a store opened on a new nested path creates it") {
    TempStore t;
    fs::path nested = t.dir / "deeper" / "root";
    auto store = open_object_store("file://" + nested.string());
    store->put("k", bytes_of("v"), "text/plain");
    CHECK(fs::is_regular_file(nested / "k"));
    // A second store on the same root sees the same objects.
    auto again = open_object_store("file://" + nested.string());
    CHECK(again->get("k") == std::optional<Bytes>(bytes_of("v")));
}

TEST_CASE("file store: a key that is only a prefix of other keys is no object") {
    TempStore t;
    t.store->put("a/b", bytes_of("x"), "text/plain");
    CHECK_FALSE(t.store->head("a"));
    CHECK_FALSE(t.store->get("a"));
    CHECK_NOTHROW(t.store->remove("a"));
    CHECK(t.store->get("a/b") == bytes_of("x"));
}

TEST_CASE("file store: no presigned URLs (the route then streams the bytes itself)") {
    TempStore t;
    t.store->put("renditions/x/thumb.jpg", Bytes{1, 2, 3}, "image/jpeg");
    CHECK_FALSE(t.store->presigned_get_url("renditions/x/thumb.jpg", std::chrono::seconds(60)));
    CHECK_FALSE(t.store->presigned_put_url("originals/x", std::chrono::seconds(60), "image/jpeg"));
}
