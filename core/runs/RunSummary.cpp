// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/Json.h"
#include "runs/RunSummary.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "util/Error.h"

namespace srlab {

void RunSummary::add(const TrainRow& r) {
    steps = std::max(steps, r.step);
    epoch = r.epoch;
    if (std::isfinite(r.wallS)) wallS = r.wallS;
    if (!r.hasVal()) {
        lastStep = r;
        hasLastStep = true;
        return;
    }
    ++validations;
    auto better = [](double cur, double v, bool higher) {
        if (!std::isfinite(v)) return cur;
        if (!std::isfinite(cur)) return v;
        return higher ? std::max(cur, v) : std::min(cur, v);
    };
    bestSnr = better(bestSnr, r.valSnr, true);
    bestLsd = better(bestLsd, r.valLsd, false);
    bestValLoss = better(bestValLoss, r.valLoss, false);
    lastSnr = r.valSnr;
    lastLsd = r.valLsd;
    lastValLoss = r.valLoss;
}

namespace {
nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
double num(const nlohmann::json& j, const char* k) {
    return j.contains(k) && j[k].is_number() ? j[k].get<double>() : NAN;
}
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
}  // namespace

std::string RunSummary::toJson() const {
    nlohmann::json j{{"steps", steps}, {"total_steps", totalSteps}, {"epoch", epoch}, {"validations", validations},
                     {"wall_s", num(wallS)}, {"best_snr_db", num(bestSnr)}, {"best_lsd_db", num(bestLsd)},
                     {"last_snr_db", num(lastSnr)}, {"last_lsd_db", num(lastLsd)}, {"best_val_loss", num(bestValLoss)},
                     {"last_val_loss", num(lastValLoss)}, {"device", device}};
    if (hasLastStep) j["last_step_row"] = formatMetricsRow(lastStep).substr(0, formatMetricsRow(lastStep).size() - 1);
    return j.dump(2);
}

RunSummary RunSummary::fromJson(const std::string& text) {
    RunSummary s;
    try {
        const auto j = nlohmann::json::parse(text);
        if (!j.is_object()) throw Error("summary.json", "is not a JSON object");
        s.steps = j.value("steps", int64_t(0));
        s.totalSteps = j.value("total_steps", int64_t(0));
        s.epoch = j.value("epoch", 0);
        s.validations = j.value("validations", int64_t(0));
        s.wallS = num(j, "wall_s");
        s.bestSnr = num(j, "best_snr_db");
        s.bestLsd = num(j, "best_lsd_db");
        s.lastSnr = num(j, "last_snr_db");
        s.lastLsd = num(j, "last_lsd_db");
        s.bestValLoss = num(j, "best_val_loss");
        s.lastValLoss = num(j, "last_val_loss");
        s.device = j.value("device", std::string());
        if (j.contains("last_step_row") && j["last_step_row"].is_string())
            s.hasLastStep = parseMetricsRow(j["last_step_row"].get<std::string>(), &s.lastStep);
    } catch (const nlohmann::json::exception& e) {
        throw Error("summary.json", std::string("malformed: ") + jsonProblem(e));
    }
    return s;
}

bool RunSummary::sameNumbers(const RunSummary& o) const {
    return steps == o.steps && epoch == o.epoch && validations == o.validations && same(wallS, o.wallS) &&
           same(bestSnr, o.bestSnr) && same(bestLsd, o.bestLsd) && same(lastSnr, o.lastSnr) && same(lastLsd, o.lastLsd) &&
           same(bestValLoss, o.bestValLoss) && same(lastValLoss, o.lastValLoss) && hasLastStep == o.hasLastStep &&
           (!hasLastStep || (lastStep.step == o.lastStep.step && same(lastStep.trainLoss, o.lastStep.trainLoss)));
}

std::optional<RunSummary> readRunSummary(const std::string& runDir) {
    std::ifstream in(std::filesystem::path(runDir) / "summary.json");
    if (!in) return std::nullopt;
    try {
        return RunSummary::fromJson(std::string(std::istreambuf_iterator<char>(in), {}));
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::string formatDuration(double s) {
    if (!(s >= 0) || !std::isfinite(s)) return "-";
    const long long t = std::llround(s);
    char buf[48];
    if (t >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", t / 60, t % 60);
    return buf;
}

}  // namespace srlab
