// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/Evaluator.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/AudioFile.h"
#include "eval/StreamedEval.h"
#include "dataset/PairMaker.h"
#include "dsp/Interpolate.h"
#include "util/Error.h"
#include "util/ThreadPool.h"

namespace srlab {

Method baselineMethod(const std::string& name, int scale) {
    const Baseline b = parseBaseline(name);
    if (b == Baseline::None) throw Error("baseline", "'none' cannot be evaluated");
    return {name, [b, scale](const std::vector<float>& low, size_t n, const CancelToken&) { return upsample(low, scale, n, b); },
            [b, scale](const CancelToken&) { return baselineStream(b, scale); },
            {}};
}

std::unique_ptr<MethodStream> methodStreamFor(const Method& m, const std::string& file, int rate, int scale, size_t n,
                                              const CancelToken& cancel) {
    return m.forFile ? m.forFile(file, rate, scale, n, cancel) : m.stream(cancel);
}

namespace {
struct Skip {};  // a file whose every case streamed: no whole-file read
}  // namespace

EvalMatrix evaluateMatrix(const std::vector<std::string>& files, int rate, int scale,
                          const std::vector<Degradation>& cases, const std::vector<Method>& methods, int threads,
                          ProgressSink& progress, const CancelToken& cancel, EvalMode mode, bool visqol) {
    if (cases.empty()) throw Error("evaluation", "no degradation to evaluate");
    size_t minLength = 2048;
    for (const auto& c : cases) minLength = std::max(minLength, minDegradeLength(c));
    // perFile[i][c]: file i's rows for case c; kbps[i][c] its codec bit rate.
    std::vector<std::vector<std::vector<EvalRow>>> perFile(files.size(), std::vector<std::vector<EvalRow>>(cases.size()));
    std::vector<std::vector<double>> kbps(files.size(), std::vector<double>(cases.size(), 0.0));
    std::vector<std::string> why(files.size());
    size_t done = 0;  // under mu
    std::mutex mu;
    // Files done, plus how far the streamed ones in flight are: a single long file moves the bar.
    std::vector<double> inFlight(files.size(), 0.0);
    double inFlightSum = 0;
    auto tell = [&](size_t i, double fraction, bool finished = false) {
        std::lock_guard<std::mutex> lock(mu);
        if (finished) ++done;
        inFlightSum += fraction - inFlight[i];
        inFlight[i] = fraction;
        progress.progress(double(done) + inFlightSum, double(files.size()),
                          std::filesystem::path(files[i]).filename().string());
    };
    // Cases that stream go through one at a time; the rest share one whole-file read.
    const bool methodsStream =
        std::all_of(methods.begin(), methods.end(), [](const Method& m) { return m.stream || m.forFile; });
    std::vector<bool> streamed(cases.size());
    for (size_t c = 0; c < cases.size(); ++c)
        streamed[c] = mode == EvalMode::Auto && methodsStream && degradationStreams(cases[c]);
    const bool anyWhole = std::find(streamed.begin(), streamed.end(), false) != streamed.end();
    // One file per pool thread (files are the coarser grain); a streamed file's blocks also use
    // the pool (a single long file takes every core), the whole-file path runs single-threaded.
    parallelFor(files.size(), [&](size_t i) {
        if (cancel.cancelled()) return;
        try {
            double casesDone = 0;
            for (size_t c = 0; c < cases.size(); ++c)
                if (streamed[c]) {
                    perFile[i][c] = evaluateStreamed(files[i], rate, scale, cases[c], methods, minLength, cancel,
                                                     [&](double f) { tell(i, (casesDone + f) / double(cases.size())); },
                                                     visqol);
                    ++casesDone;
                }
            if (!anyWhole) throw Skip{};
            int inRate = 0;
            std::vector<float> mono = readMono(files[i], &inRate);
            const std::vector<float> hi = toTargetRate(std::move(mono), inRate, rate, scale);
            if (hi.size() < minLength)
                throw Error(files[i], "too short to evaluate (under " + std::to_string(minLength) +
                                          " samples at the target rate)");
            if (std::all_of(hi.begin(), hi.end(), [](float v) { return v == 0.0f; }))
                throw Error(files[i], "digital silence: SNR and LSD against a silent reference are undefined");
            for (size_t c = 0; c < cases.size(); ++c) {
                if (streamed[c]) continue;
                cancel.throwIfCancelled();
                auto truth = hi;  // a gain step scales the reference too
                const auto low = degrade(truth, rate, scale, cases[c], 1);  // files already run in parallel
                kbps[i][c] = low.codecKbps;
                const MetricReference reference(truth, rate, scale, 1, visqol);
                for (const Method& m : methods) {
                    std::vector<float> est;
                    if (m.forFile) {  // through its stream, fed the low-res signal at its pace
                        est.reserve(truth.size());
                        const SampleSink append = [&est](const float* y, size_t k) { est.insert(est.end(), y, y + k); };
                        auto s = m.forFile(files[i], rate, scale, truth.size(), cancel);
                        s->push(low.low.data(), low.low.size(), append);
                        s->finish(truth.size(), append);
                    } else {
                        est = m.run(low.low, truth.size(), cancel);
                    }
                    perFile[i][c].push_back({files[i], m.name, reference.measure(est)});
                }
            }
        } catch (const Skip&) {
        } catch (const Error& e) {
            why[i] = e.what();
            for (auto& rows : perFile[i]) rows.clear();
        }
        tell(i, 0.0, true);
    }, threads);
    cancel.throwIfCancelled();
    EvalMatrix out;
    for (size_t c = 0; c < cases.size(); ++c) {
        EvalTable t;
        t.rate = rate;
        t.scale = scale;
        t.filter = cases[c].toString();
        size_t coded = 0;
        for (size_t i = 0; i < files.size(); ++i) {
            if (!why[i].empty()) t.skipped.emplace_back(files[i], why[i]);
            for (auto& r : perFile[i][c]) t.rows.push_back(std::move(r));
            if (why[i].empty() && kbps[i][c] > 0) {
                t.codecKbps += kbps[i][c];
                ++coded;
            }
        }
        if (coded) t.codecKbps /= double(coded);
        out.cases.push_back(std::move(t));
    }
    return out;
}

EvalTable evaluateFiles(const std::vector<std::string>& files, int rate, int scale, const Degradation& how,
                        const std::vector<Method>& methods, int threads, ProgressSink& progress,
                        const CancelToken& cancel, EvalMode mode, bool visqol) {
    return std::move(evaluateMatrix(files, rate, scale, {how}, methods, threads, progress, cancel, mode, visqol).cases.front());
}

std::vector<Degradation> loadDegradationMatrix(const std::string& defaultOrPath) {
    if (defaultOrPath == "DEFAULT" || defaultOrPath == "default") return defaultDegradationMatrix();
    std::ifstream in(defaultOrPath);
    if (!in) throw Error(defaultOrPath, "cannot read (give DEFAULT or a file of degradations, one per line)");
    std::vector<Degradation> out;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        line = line.substr(0, line.find('#'));
        line.erase(0, line.find_first_not_of(" \t\r"));
        line.erase(line.find_last_not_of(" \t\r") + 1);
        if (line.empty()) continue;
        try {
            out.push_back(Degradation::parse(line));
        } catch (const Error& e) {
            throw Error(defaultOrPath + ":" + std::to_string(n), e.what());
        }
    }
    if (out.empty()) throw Error(defaultOrPath, "holds no degradation");
    return out;
}

std::vector<EvalRow> EvalTable::means() const {
    // ViSQOL of a file too short for it (NaN) is left out of its mean; any other NaN (a model's
    // broken output) stays visible in the mean.
    const auto& cat = metricCatalogue();
    const auto counts = [&](size_t j, double v) { return !std::isnan(v) || cat[j].field != &MetricSet::visqol; };
    std::vector<EvalRow> out;
    std::map<std::string, size_t> index;
    std::vector<std::vector<size_t>> count;  // per mean row, per metric
    for (const auto& r : rows) {
        if (!index.count(r.method)) {
            index[r.method] = out.size();
            out.push_back({"mean", r.method, MetricSet{}});
            count.emplace_back(cat.size(), 0);
        }
        const size_t k = index[r.method];
        for (size_t j = 0; j < cat.size(); ++j)
            if (counts(j, r.m.*cat[j].field)) out[k].m.*cat[j].field += r.m.*cat[j].field, ++count[k][j];
    }
    for (size_t k = 0; k < out.size(); ++k)
        for (size_t j = 0; j < cat.size(); ++j)
            out[k].m.*cat[j].field = count[k][j] > 0 ? out[k].m.*cat[j].field / double(count[k][j])
                                                     : std::numeric_limits<double>::quiet_NaN();
    return out;
}

std::string EvalTable::toCsv() const {
    std::ostringstream o;
    o << "file,method";
    for (const auto& info : metricCatalogue()) o << ',' << info.key;
    o << '\n';
    auto row = [&](const EvalRow& r) {
        o << '"' << r.file << "\"," << r.method;
        for (const auto& info : metricCatalogue()) o << ',' << r.m.*info.field;
        o << '\n';
    };
    for (const auto& r : rows) row(r);
    for (const auto& r : means()) row(r);
    return o.str();
}

std::string EvalTable::toJson() const {
    nlohmann::ordered_json j;
    j["rate"] = rate;
    j["scale"] = scale;
    j["filter"] = filter;
    for (const auto& info : metricCatalogue()) j["definitions"][info.key] = info.definition;
    auto rowJson = [](const EvalRow& r) {
        nlohmann::ordered_json e{{"file", r.file}, {"method", r.method}};
        for (const auto& info : metricCatalogue()) e[info.key] = r.m.*info.field;
        return e;
    };
    j["rows"] = nlohmann::json::array();
    for (const auto& r : rows) j["rows"].push_back(rowJson(r));
    j["means"] = nlohmann::json::array();
    for (const auto& r : means()) j["means"].push_back(rowJson(r));
    for (const auto& [f, why] : skipped) j["skipped"].push_back({{"file", f}, {"reason", why}});
    return j.dump(1);
}

std::string EvalTable::toText() const {
    // The figures papers report; --csv and --json hold every metric.
    static const char* shown[] = {"snr", "si_sdr", "lsd", "lsd_hf", "lsd_lf", "psnr_mel", "stoi", "estoi", "visqol"};
    std::ostringstream o;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-36s %-8s", "file", "method");
    o << buf;
    for (const char* k : shown) {
        std::snprintf(buf, sizeof buf, " %12s", k);
        o << buf;
    }
    o << '\n';
    auto line = [&](const EvalRow& r) {
        std::string f = std::filesystem::path(r.file).filename().string();
        if (f.size() > 36) f = "..." + f.substr(f.size() - 33);
        std::snprintf(buf, sizeof buf, "%-36s %-8s", f.c_str(), r.method.c_str());
        o << buf;
        for (const char* k : shown)
            for (const auto& info : metricCatalogue())
                if (std::string(info.key) == k) {
                    std::snprintf(buf, sizeof buf, " %12.3f", r.m.*info.field);
                    o << buf;
                }
        o << '\n';
    };
    for (const auto& r : rows) line(r);
    o << '\n';
    for (const auto& r : means()) line(r);
    o << "\nrate " << rate << " Hz, scale " << scale << ", low-res made by " << filter << "\n";
    for (const auto& info : metricCatalogue()) o << "  " << info.key << ": " << info.definition << '\n';
    for (const auto& [f, why] : skipped) o << "skipped " << why << '\n';
    return o.str();
}

namespace {

const MetricSet* meanOf(const std::vector<EvalRow>& means, const std::string& method) {
    for (const auto& r : means)
        if (r.method == method) return &r.m;
    return nullptr;
}

std::vector<std::string> methodsOf(const EvalMatrix& m) {
    std::vector<std::string> out;
    for (const auto& t : m.cases)
        for (const auto& r : t.means())
            if (std::find(out.begin(), out.end(), r.method) == out.end()) out.push_back(r.method);
    return out;
}

}  // namespace

std::string EvalMatrix::toText() const {
    const auto methods = methodsOf(*this);
    std::ostringstream o;
    char buf[256];
    // Two header lines: each method's name over its SNR and LSD columns.
    std::snprintf(buf, sizeof buf, "%-28s %7s", "", "");
    o << buf;
    for (const auto& m : methods) {
        std::snprintf(buf, sizeof buf, "  %-18.18s", m.c_str());
        o << buf;
    }
    o << '\n';
    std::snprintf(buf, sizeof buf, "%-28s %7s", "degradation", "kb/s");
    o << buf;
    for (size_t i = 0; i < methods.size(); ++i) o << "     SNR      LSD  ";
    o << '\n';
    std::map<std::string, std::pair<double, double>> sum;
    std::map<std::string, int> count;
    for (const auto& t : cases) {
        const auto means = t.means();
        std::snprintf(buf, sizeof buf, "%-28s %7s", t.filter.c_str(),
                      t.codecKbps > 0 ? std::to_string(int(std::lround(t.codecKbps))).c_str() : "");
        o << buf;
        for (const auto& m : methods) {
            const MetricSet* v = meanOf(means, m);
            if (!v) {
                o << "       -        -  ";
                continue;
            }
            std::snprintf(buf, sizeof buf, "  %7.2f  %7.3f ", v->snr, v->lsd);
            o << buf;
            sum[m].first += v->snr;
            sum[m].second += v->lsd;
            ++count[m];
        }
        o << '\n';
    }
    std::snprintf(buf, sizeof buf, "%-28s %7s", "mean over cases", "");
    o << buf;
    for (const auto& m : methods) {
        std::snprintf(buf, sizeof buf, "  %7.2f  %7.3f ", sum[m].first / std::max(1, count[m]), sum[m].second / std::max(1, count[m]));
        o << buf;
    }
    o << "\n\nSNR and LSD in dB, means over the files of each case (docs/reference.md §2); degradations are in "
         "docs/reference.md §6.\n";
    if (!cases.empty())
        for (const auto& [f, why] : cases.front().skipped) o << "skipped " << why << '\n';
    return o.str();
}

std::string EvalMatrix::toJson() const {
    nlohmann::ordered_json j;
    j["cases"] = nlohmann::json::array();
    for (const auto& t : cases) {
        auto c = nlohmann::ordered_json::parse(t.toJson());
        c["degradation"] = t.filter;
        if (t.codecKbps > 0) c["codec_kbps"] = t.codecKbps;
        j["cases"].push_back(c);
    }
    for (const auto& m : methodsOf(*this)) {
        nlohmann::ordered_json e;
        const auto& cat = metricCatalogue();  // NaN ViSQOL left out, as EvalTable::means() does
        std::vector<double> sum(cat.size(), 0.0);
        std::vector<int> n(cat.size(), 0);
        for (const auto& t : cases) {
            const auto means = t.means();  // meanOf points into it: it must outlive the use
            if (const MetricSet* v = meanOf(means, m))
                for (size_t j = 0; j < cat.size(); ++j)
                    if (!std::isnan(v->*cat[j].field) || cat[j].field != &MetricSet::visqol)
                        sum[j] += v->*cat[j].field, ++n[j];
        }
        for (size_t j = 0; j < cat.size(); ++j)
            e[cat[j].key] = n[j] > 0 ? sum[j] / n[j] : std::numeric_limits<double>::quiet_NaN();  // NaN: null
        j["mean_over_cases"][m] = e;
    }
    return j.dump(1);
}

std::string EvalMatrix::toCsv() const {
    std::ostringstream o;
    o << "degradation,codec_kbps,method";
    for (const auto& info : metricCatalogue()) o << ',' << info.key;
    o << '\n';
    for (const auto& t : cases)
        for (const auto& r : t.means()) {
            o << '"' << t.filter << "\"," << t.codecKbps << ',' << r.method;
            for (const auto& info : metricCatalogue()) o << ',' << r.m.*info.field;
            o << '\n';
        }
    return o.str();
}

}  // namespace srlab
