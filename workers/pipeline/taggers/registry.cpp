#include <stdexcept>

#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

// One line per tagger.
const Tagger* const kTaggers[] = {
    &faces,   &orientation_class, &dominant_colours, &sharpness, &exposure,   &colourfulness,
    &qr_code, &perceptual_hash,   &blurhash,         &objects,   &moderation,
};

bool same_kind(const nlohmann::json& a, const nlohmann::json& b) {
    if (a.is_number() && b.is_number()) return true;
    return a.type() == b.type();
}

}  // namespace

std::span<const Tagger* const> all() {
    return kTaggers;
}

nlohmann::json complete_settings(const nlohmann::json& taggers) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, settings] : taggers.items()) {
        const Tagger* tagger = nullptr;
        for (const Tagger* t : all())
            if (t->name == name) tagger = t;
        if (!tagger) {
            std::string known;
            for (const Tagger* t : all())
                known += (known.empty() ? "" : ", ") + std::string(t->name);
            throw std::invalid_argument("taggers." + name + " is not a tagger (known: " + known +
                                        ")");
        }
        if (!settings.is_object())
            throw std::invalid_argument("taggers." + name + " must be an object of thresholds");
        nlohmann::json complete = nlohmann::json::parse(tagger->defaults);
        for (const auto& [key, value] : settings.items()) {
            if (!complete.contains(key))
                throw std::invalid_argument(
                    "taggers." + name + "." + key +
                    " is not a setting of this tagger (settings: " + complete.dump() + ")");
            if (!same_kind(complete[key], value))
                throw std::invalid_argument("taggers." + name + "." + key + " must be a " +
                                            complete[key].type_name() + " like its default " +
                                            complete[key].dump());
            complete[key] = value;
        }
        out[name] = std::move(complete);
    }
    return out;
}

}  // namespace fotogal::pipeline::taggers
