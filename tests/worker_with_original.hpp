// A worker's handler context over a file store (in a temporary directory) and a recording
// publisher, with the default recipe, whose bucket holds one stored original: the fixture the
// worker's ownership tests start from.
#pragma once

#include <cstdint>
#include <string>

#include "common/image_id.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"
#include "workers/image_event_handler.hpp"

namespace fotogal::test {

struct WorkerWithOriginal {
    TempDir dir;
    storage::FileStore store{dir.path()};
    RecordingPublisher publisher;
    pipeline::Recipe recipe = pipeline::default_recipe();
    worker::HandlerContext ctx{store, publisher, recipe, {"results", "dlq"}, "/test"};
    std::string id = new_image_id();
    std::int64_t offset = 0;

    WorkerWithOriginal() {
        store.put(keys::original(id), read_corpus("orientation/Landscape_1.jpg"), "image/jpeg");
    }
};

}  // namespace fotogal::test
