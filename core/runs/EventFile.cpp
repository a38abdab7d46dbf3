// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/EventFile.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "tensorboard_event.pb.h"
#include "util/Error.h"

namespace srlab {
namespace {

double now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

void putLe(std::string& s, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s.push_back(char((v >> (8 * i)) & 0xff));
}

// A 16-bit PCM WAV file in memory (TensorBoard plays audio/wav).
std::string wavBytes(const std::vector<float>& x, int rate) {
    std::string s = "RIFF";
    putLe(s, 36 + 2 * x.size(), 4);
    s += "WAVEfmt ";
    putLe(s, 16, 4);
    putLe(s, 1, 2);  // PCM
    putLe(s, 1, 2);  // mono
    putLe(s, uint64_t(rate), 4);
    putLe(s, uint64_t(rate) * 2, 4);
    putLe(s, 2, 2);
    putLe(s, 16, 2);
    s += "data";
    putLe(s, 2 * x.size(), 4);
    for (float v : x) putLe(s, uint16_t(int16_t(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f))), 2);
    return s;
}

}  // namespace

uint32_t crc32c(const void* data, size_t n) {
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;  // reflected Castagnoli
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xffffffffu;
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

uint32_t maskedCrc32c(const void* data, size_t n) {
    const uint32_t c = crc32c(data, n);
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

EventFile::EventFile(const std::string& dir) {
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    path_ = (std::filesystem::path(dir) / ("events.out.tfevents." + std::to_string(int64_t(now())) + "." + host + ".srlab")).string();
    out_.open(path_, std::ios::binary | std::ios::app);
    if (!out_) throw Error(path_, "cannot create the TensorBoard event file");
    tb::Event e;
    e.set_wall_time(now());
    e.set_file_version("brain.Event:2");
    write(e.SerializeAsString());
}

void EventFile::write(const std::string& payload) {
    std::string rec;
    putLe(rec, payload.size(), 8);
    const uint32_t lenCrc = maskedCrc32c(rec.data(), 8);
    putLe(rec, lenCrc, 4);
    rec += payload;
    putLe(rec, maskedCrc32c(payload.data(), payload.size()), 4);
    out_.write(rec.data(), std::streamsize(rec.size()));
    out_.flush();
}

void EventFile::scalar(const std::string& tag, int64_t step, double value) {
    if (!std::isfinite(value)) return;
    tb::Event e;
    e.set_wall_time(now());
    e.set_step(step);
    auto* v = e.mutable_summary()->add_value();
    v->set_tag(tag);
    v->set_simple_value(float(value));
    write(e.SerializeAsString());
}

namespace {
void hparamsSummary(tb::Event& e, const std::string& tag, const tb::HParamsPluginData& data) {
    auto* v = e.mutable_summary()->add_value();
    v->set_tag(tag);
    auto* plugin = v->mutable_metadata()->mutable_plugin_data();
    plugin->set_plugin_name("hparams");
    plugin->set_content(data.SerializeAsString());
}
}  // namespace

void EventFile::sessionStart(const std::vector<HParam>& hparams, const std::string& group) {
    tb::HParamsPluginData data;
    data.set_version(0);
    auto* start = data.mutable_session_start_info();
    for (const auto& h : hparams) {
        tb::HParamValue value;
        if (h.isNumber) value.set_number_value(h.number);
        else value.set_string_value(h.text);
        (*start->mutable_hparams())[h.name] = value;
    }
    start->set_group_name(group);
    start->set_start_time_secs(now());
    tb::Event e;
    e.set_wall_time(now());
    hparamsSummary(e, "_hparams_/session_start_info", data);
    write(e.SerializeAsString());
}

void EventFile::sessionEnd(int status) {
    tb::HParamsPluginData data;
    data.set_version(0);
    data.mutable_session_end_info()->set_status(status);
    data.mutable_session_end_info()->set_end_time_secs(now());
    tb::Event e;
    e.set_wall_time(now());
    hparamsSummary(e, "_hparams_/session_end_info", data);
    write(e.SerializeAsString());
}

void EventFile::audio(const std::string& tag, int64_t step, const std::vector<float>& samples, int rate) {
    tb::Event e;
    e.set_wall_time(now());
    e.set_step(step);
    auto* v = e.mutable_summary()->add_value();
    v->set_tag(tag);
    auto* a = v->mutable_audio();
    a->set_sample_rate(float(rate));
    a->set_num_channels(1);
    a->set_length_frames(int64_t(samples.size()));
    a->set_encoded_audio_string(wavBytes(samples, rate));
    a->set_content_type("audio/wav");
    write(e.SerializeAsString());
}

}  // namespace srlab
