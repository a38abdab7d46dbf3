// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/DataParallel.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "train/NcclGroup.h"
#include "util/Error.h"

namespace srlab {
namespace {

// PyTorch DDP's default bucket size: big enough that per-call latency is amortised, small
// enough that the first buckets could overlap with the rest of backward.
constexpr int64_t kBucketBytes = 25 * 1024 * 1024;

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

struct DataParallel::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    std::function<void(torch::Tensor&)> deviceAllreduce;  // NCCL, for CUDA tensors
    std::chrono::milliseconds timeout{0};
};

DataParallel::DataParallel(const DistEnv& env, std::chrono::seconds timeout) : env_(env), d_(std::make_unique<Impl>()) {
    const std::string where = "rank " + std::to_string(env.rank) + " of " + std::to_string(env.world);
    try {
        c10d::TCPStoreOptions o;
        o.port = uint16_t(env.masterPort);
        o.isServer = env.rank == 0;
        o.numWorkers = size_t(env.world);
        o.waitWorkers = true;
        o.timeout = timeout;
        d_->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, o);
        auto opts = c10d::ProcessGroupGloo::Options::create();
        const bool loopback = env.masterAddr == "127.0.0.1" || env.masterAddr == "localhost";
        opts->devices.push_back(loopback ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                         : c10d::ProcessGroupGloo::createDefaultDevice());
        opts->timeout = timeout;
        d_->timeout = timeout;
        d_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(d_->store, env.rank, env.world, opts);
    } catch (const c10::Error& e) {
        throw Error(where, "cannot join the run at " + env.masterAddr + ":" + std::to_string(env.masterPort) + " (" +
                               firstLine(e.what_without_backtrace()) + ")");
    }
}

DataParallel::~DataParallel() = default;

void DataParallel::useDevice(const torch::Device& device) {
    if (!device.is_cuda() || !ncclAvailable()) return;
    try {
        d_->deviceAllreduce = makeNcclAllreduce(d_->store, env_.rank, env_.world, d_->timeout);
    } catch (const c10::Error& e) {
        throw Error("rank " + std::to_string(env_.rank), "cannot start NCCL (" + firstLine(e.what_without_backtrace()) + ")");
    }
}

std::string DataParallel::backendName() const { return d_->deviceAllreduce ? "NCCL (CUDA tensors), Gloo" : "Gloo"; }

void DataParallel::allreduce(torch::Tensor& t) {
    const auto t0 = std::chrono::steady_clock::now();
    try {
        if (t.is_cuda() && d_->deviceAllreduce) {
            d_->deviceAllreduce(t);
        } else if (t.is_cuda()) {  // Gloo reduces host memory
            auto host = t.to(torch::kCPU);
            std::vector<torch::Tensor> v{host};
            d_->group->allreduce(v)->wait();
            t.copy_(host);
        } else {
            std::vector<torch::Tensor> v{t};
            d_->group->allreduce(v)->wait();
        }
    } catch (const c10::Error& e) {
        throw Error("rank " + std::to_string(env_.rank),
                    "lost contact with the other ranks of the run (a rank stopped, failed or was killed): " +
                        firstLine(e.what_without_backtrace()));
    }
    allreduceS_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void DataParallel::broadcast(std::vector<torch::Tensor> tensors) {
    torch::NoGradGuard noGrad;
    for (auto& t : tensors) {
        // A broadcast is an all-reduce of rank 0's values and zeros: one collective kind to fail.
        auto flat = t.detach().to(d_->deviceAllreduce ? t.device() : torch::Device(torch::kCPU)).to(torch::kFloat).contiguous().clone();
        if (env_.rank != 0) flat.zero_();
        allreduce(flat);
        t.copy_(flat.to(t.device(), t.scalar_type()));
    }
}

void DataParallel::averageGradients(const std::vector<torch::Tensor>& parameters) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> bucket;
    int64_t bytes = 0;
    double total = 0;
    auto flush = [&] {
        if (bucket.empty()) return;
        std::vector<torch::Tensor> flat;
        for (auto& g : bucket) flat.push_back(g.reshape({-1}));
        auto joined = torch::cat(flat);
        allreduce(joined);
        joined.div_(double(env_.world));
        int64_t at = 0;
        for (auto& g : bucket) {
            g.copy_(joined.narrow(0, at, g.numel()).view_as(g));
            at += g.numel();
        }
        total += double(joined.numel()) * double(joined.element_size());
        bucket.clear();
        bytes = 0;
    };
    for (const auto& p : parameters) {
        if (!p.requires_grad()) continue;
        auto& g = const_cast<torch::Tensor&>(p).mutable_grad();
        if (!g.defined()) g = torch::zeros_like(p);
        bucket.push_back(g);
        bytes += g.numel() * g.element_size();
        if (bytes >= kBucketBytes) flush();
    }
    flush();
    gradientBytes_ = total;
}

std::vector<double> DataParallel::sum(std::vector<double> values) {
    auto t = torch::tensor(values, torch::kDouble);
    allreduce(t);
    return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

void DataParallel::barrier() { sum({0.0}); }

}  // namespace srlab
