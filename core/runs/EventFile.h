// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A run's scalars and audio as a TensorBoard event file in the run folder, so that
// `tensorboard --logdir WORKSPACE/runs` shows SRLab runs beside Python experiments. The file is
// TFRecord framing (uint64 length, masked CRC-32C of the length, the payload, masked CRC-32C of
// the payload, little-endian) around Event protobuf messages (tensorboard_event.proto, with
// TensorBoard's field numbers, serialised by Debian's libprotobuf).
//
// Threads: one writer per file (the run folder's writer); each record is appended and flushed
// whole, so a reader following the file sees complete records, and a crash leaves at most a cut
// last record, which TensorBoard's reader skips.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace srlab {

class EventFile {
public:
    // Opens a new file events.out.tfevents.<seconds>.<host>.srlab in `dir` (a resumed run adds
    // a file, as TensorBoard's own writers do). Throws Error when it cannot be created.
    explicit EventFile(const std::string& dir);
    const std::string& path() const { return path_; }

    void scalar(const std::string& tag, int64_t step, double value);  // NaN values are skipped
    // Mono float samples in [-1, 1] as a 16-bit WAV clip.
    void audio(const std::string& tag, int64_t step, const std::vector<float>& samples, int rate);
    // TensorBoard's HParams dashboard: a session's hyper-parameters (numbers or text) at its
    // start, and its end (status 1 success, 2 failure).
    struct HParam {
        std::string name;
        bool isNumber = false;
        double number = 0;
        std::string text;
    };
    void sessionStart(const std::vector<HParam>& hparams, const std::string& group);
    void sessionEnd(int status);

private:
    void write(const std::string& eventBytes);
    std::string path_;
    std::ofstream out_;
};

// CRC-32C (Castagnoli, as TFRecord uses) and TFRecord's masking of it.
uint32_t crc32c(const void* data, size_t n);
uint32_t maskedCrc32c(const void* data, size_t n);

}  // namespace srlab
