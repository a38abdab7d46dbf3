// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/TorchSave.h"

#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <stdexcept>

namespace srlab {
namespace {

// Pickle opcodes (Python's pickletools) for protocol 2, the one torch.save uses.
constexpr char kProto = '\x80', kEmptyDict = '}', kMark = '(', kBinUnicode = 'X', kGlobal = 'c', kBinInt = 'J',
               kLong1 = '\x8a', kTuple = 't', kEmptyTuple = ')', kReduce = 'R', kBinPersId = 'Q', kNewFalse = '\x89',
               kSetItems = 'u', kStop = '.';

struct Pickle {
    std::string s;
    void op(char c) { s += c; }
    void str(const std::string& v) {
        op(kBinUnicode);
        const auto n = uint32_t(v.size());
        for (int i = 0; i < 4; ++i) s += char((n >> (8 * i)) & 0xff);
        s += v;
    }
    void global(const char* module, const char* name) {
        op(kGlobal);
        s += module;
        s += '\n';
        s += name;
        s += '\n';
    }
    void integer(int64_t v) {
        if (v >= INT32_MIN && v <= INT32_MAX) {
            op(kBinInt);
            const auto u = uint32_t(int32_t(v));
            for (int i = 0; i < 4; ++i) s += char((u >> (8 * i)) & 0xff);
            return;
        }
        op(kLong1);  // 8 bytes, little-endian two's complement
        s += char(8);
        const auto u = uint64_t(v);
        for (int i = 0; i < 8; ++i) s += char((u >> (8 * i)) & 0xff);
    }
    void ints(c10::IntArrayRef v) {
        op(kMark);
        for (auto x : v) integer(x);
        op(kTuple);
    }
};

}  // namespace

std::string torchSaveBytes(const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
    std::string zip;
    caffe2::serialize::PyTorchStreamWriter writer([&zip](const void* data, size_t n) {
        zip.append(static_cast<const char*>(data), n);
        return n;
    });
    Pickle p;
    p.op(kProto);
    p.s += char(2);
    p.op(kEmptyDict);
    p.op(kMark);
    std::vector<torch::Tensor> storages;
    for (const auto& [name, tensor] : tensors) {
        if (tensor.scalar_type() != torch::kFloat) throw std::invalid_argument(name + " is not float32");
        const auto t = tensor.detach().to(torch::kCPU).contiguous();
        const std::string key = std::to_string(storages.size());
        storages.push_back(t);
        p.str(name);
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.op(kMark);
        // The storage, by persistent id: ('storage', torch.FloatStorage, key, 'cpu', numel).
        p.op(kMark);
        p.str("storage");
        p.global("torch", "FloatStorage");
        p.str(key);
        p.str("cpu");
        p.integer(t.numel());
        p.op(kTuple);
        p.op(kBinPersId);
        p.integer(0);  // storage offset
        p.ints(t.sizes());
        p.ints(t.strides());
        p.op(kNewFalse);  // requires_grad
        p.global("collections", "OrderedDict");  // backward hooks: none
        p.op(kEmptyTuple);
        p.op(kReduce);
        p.op(kTuple);
        p.op(kReduce);
    }
    p.op(kSetItems);
    p.op(kStop);
    writer.writeRecord("data.pkl", p.s.data(), p.s.size());
    writer.writeRecord("byteorder", "little", 6);
    for (size_t i = 0; i < storages.size(); ++i)
        writer.writeRecord("data/" + std::to_string(i), storages[i].data_ptr(), size_t(storages[i].numel()) * sizeof(float));
    writer.writeEndOfFile();
    return zip;
}

}  // namespace srlab
