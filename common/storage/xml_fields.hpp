// Just enough XML for S3's answers (ListObjectsV2, multipart, errors): the text of simple
// elements, found by name, with entities decoded. S3 documents are flat and machine-made,
// so no general parser is needed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fotogal::storage::xml {

// The text of every <tag>...</tag> in `doc`, in document order.
std::vector<std::string> all(std::string_view doc, std::string_view tag);
// The first one, or "".
std::string first(std::string_view doc, std::string_view tag);
// The raw inner XML of every <tag>...</tag> block (for <Contents> entries).
std::vector<std::string_view> blocks(std::string_view doc, std::string_view tag);
std::string escape(std::string_view text);

}  // namespace fotogal::storage::xml
