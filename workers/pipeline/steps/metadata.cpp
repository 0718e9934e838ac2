#include "workers/pipeline/exif_reader.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

void metadata(Job& job) {
    ExifFacts exif = read_exif(job.input, *job.header);
    job.orientation = exif.orientation;
    bool swaps_axes = exif.orientation >= 5;
    int w = static_cast<int>(job.header->width), h = static_cast<int>(job.header->height);
    job.oriented_width = swaps_axes ? h : w;
    job.oriented_height = swaps_axes ? w : h;
    job.metadata["orientation"] = exif.orientation;
    // Into the manifest only: renditions are encoded from pixels, without any of this.
    job.metadata.update(exif.fields);
}

}  // namespace fotogal::pipeline::steps
