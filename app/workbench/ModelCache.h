// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "infer/ModelUpsampler.h"

namespace srlab {

// Threads: get() from any thread (Compare's load and probe jobs); it loads under the lock.
// The last model loaded, shared with the load jobs (which load it on a worker): a new file
// with the same model does not load it again.
struct ModelCache {
    std::mutex mu;
    std::shared_ptr<const ModelUpsampler> model;
    std::shared_ptr<const ModelUpsampler> get(const std::string& checkpoint) {
        std::lock_guard<std::mutex> lock(mu);
        if (!model || model->checkpoint() != checkpoint) {
            auto m = std::make_shared<ModelUpsampler>(checkpoint);
            m->setLowBand(false);  // kept or not per comparison, by the method (withLowBand)
            model = std::move(m);
        }
        return model;
    }
};

}  // namespace srlab
