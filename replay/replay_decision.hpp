// What the stream replay does with one record of the uploads topic: republish it as a
// reprocess event, or skip it (not an image event, past --until, an image already
// republished in this run).
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>

namespace fotogal::replay {

struct StreamRecord {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<std::int64_t> timestamp_ms;  // the broker's record time, when it has one
    std::string_view value;
};

struct Republish {
    std::string image_id;  // the message key
    nlohmann::json event;  // fotogal.image.reprocess
};

struct Skip {
    std::string reason;
};

// Image ids seen in this run, 16 bytes each so a replay of millions stays small.
class SeenImages {
  public:
    // True the first time `image_id` (a canonical UUID) is offered.
    bool first_time(std::string_view image_id);
    std::size_t size() const { return seen_.size(); }

  private:
    struct Hash {
        std::size_t operator()(const std::array<std::uint64_t, 2>& id) const {
            return static_cast<std::size_t>(id[0] ^ (id[1] * 0x9e3779b97f4a7c15ULL));
        }
    };
    std::unordered_set<std::array<std::uint64_t, 2>, Hash> seen_;
};

struct DecisionSettings {
    std::optional<std::int64_t> until_ms;
    bool force = false;
    std::string source;  // CloudEvents source of the reprocess events
};

std::variant<Republish, Skip> decide(const StreamRecord& record, const DecisionSettings& settings,
                                     SeenImages& seen);

}  // namespace fotogal::replay
