// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Launcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "cli/Commands.h"
#include "cli/TerminalProgress.h"
#include "util/Error.h"

namespace srlab::cli {
namespace {

// A port the kernel considers free on 127.0.0.1 (bound, read, released).
int freeLoopbackPort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) throw Error("--nproc", std::string("cannot open a socket: ") + std::strerror(errno));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(s);
        throw Error("--nproc", std::string("no free loopback port: ") + std::strerror(errno));
    }
    ::close(s);
    return ntohs(a.sin_port);
}

std::string describe(int status) {
    if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

void launchLocalRanks(const std::string& runDir, int nproc) {
    const int port = freeLoopbackPort();
    std::fprintf(stderr, "data-parallel: %d local ranks, rendezvous at 127.0.0.1:%d\n", nproc, port);
    std::vector<pid_t> pids(size_t(nproc), -1);
    for (int r = 0; r < nproc; ++r) {
        const pid_t pid = ::fork();
        if (pid < 0) throw Error("--nproc", std::string("cannot start a rank: ") + std::strerror(errno));
        if (pid == 0) {
            // A rank whose launcher dies (killed, or its GUI gone) is asked to stop, with a
            // checkpoint, instead of training on unowned.
            ::prctl(PR_SET_PDEATHSIG, SIGINT);
            const std::string rank = std::to_string(r), world = std::to_string(nproc), p = std::to_string(port);
            setenv("RANK", rank.c_str(), 1);
            setenv("LOCAL_RANK", rank.c_str(), 1);
            setenv("WORLD_SIZE", world.c_str(), 1);
            setenv("LOCAL_WORLD_SIZE", world.c_str(), 1);
            setenv("MASTER_ADDR", "127.0.0.1", 1);
            setenv("MASTER_PORT", p.c_str(), 1);
            // Rank 0 shows the progress; the others report only their errors.
            if (r == 0)
                execl("/proc/self/exe", "srlab", "train", "--resume", runDir.c_str(), static_cast<char*>(nullptr));
            else
                execl("/proc/self/exe", "srlab", "train", "--quiet", "--resume", runDir.c_str(), static_cast<char*>(nullptr));
            std::fprintf(stderr, "srlab: cannot start rank %d: %s\n", r, std::strerror(errno));
            _exit(127);
        }
        pids[size_t(r)] = pid;
    }
    // Reap ranks as they end. The first failure stops the others (SIGTERM: they stop at once,
    // since their peer is gone), and what has not ended 30 s later is killed.
    int alive = nproc, failedRank = -1, failedStatus = 0;
    bool stopped = false, forwarded = false;
    std::chrono::steady_clock::time_point killAt{};
    while (alive > 0) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            --alive;
            int r = 0;
            while (r < nproc && pids[size_t(r)] != pid) ++r;
            if (r == nproc) continue;
            pids[size_t(r)] = -1;
            const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            const bool interrupted = WIFEXITED(status) && WEXITSTATUS(status) == 130;
            stopped |= interrupted;
            if (!ok && !interrupted && failedRank < 0) {
                failedRank = r;
                failedStatus = status;
                std::fprintf(stderr, "srlab: rank %d %s; stopping the other ranks\n", r, describe(status).c_str());
                for (pid_t q : pids)
                    if (q > 0) ::kill(q, SIGTERM);
                killAt = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            }
            continue;
        }
        if (pid < 0 && errno != EINTR) break;
        if (interruptToken().cancelled() && !forwarded) {  // Ctrl-C, or a signal to us alone
            forwarded = true;
            for (pid_t q : pids)
                if (q > 0) ::kill(q, SIGINT);
        }
        if (failedRank >= 0 && std::chrono::steady_clock::now() > killAt)
            for (pid_t q : pids)
                if (q > 0) ::kill(q, SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (failedRank >= 0)
        throw Error(runDir, "rank " + std::to_string(failedRank) + " " + describe(failedStatus) +
                                ", so the run stopped; its last checkpoint is kept: resume with `srlab train --resume " +
                                runDir + " --nproc " + std::to_string(nproc) + "`");
    if (stopped) throw ExitCode{130};
}

}  // namespace srlab::cli
