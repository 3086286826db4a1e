// rocd: the real-time audio streaming daemon.
#include <malloc.h>

#include <cstdio>
#include <variant>

#include <spdlog/spdlog.h>

#include "daemon/cli.h"
#include "daemon/daemon.h"
#include "daemon/logging.h"
#include "daemon/state_commands.h"

int main(int argc, char** argv) {
    // A stream's buffers (jitter buffer, FEC blocks) are blocks of hundreds
    // of KiB to MiB. glibc maps such blocks and unmaps them on free, but
    // raises its threshold to the size of each one freed, so after the first
    // streams closed (a PipeWire restart closes them all) their successors
    // came from the heap, which freed memory does not shrink: RSS stayed a
    // third higher for good. A fixed threshold keeps every large block mapped.
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    auto parsed = rocd::daemon::parse_command_line(argc, argv);
    if (auto* code = std::get_if<int>(&parsed)) {
        return *code;
    }
    const auto& invocation = std::get<rocd::daemon::Invocation>(parsed);
    rocd::daemon::setup_logging(invocation.config.verbosity, invocation.config.log_format);

    const auto status = invocation.rotate_token   ? rocd::daemon::rotate_token(invocation.config)
                        : invocation.repair_state ? rocd::daemon::repair_state(invocation.config)
                                                  : rocd::daemon::run(invocation.config, invocation.data_dir);
    if (!status) {
        spdlog::error("{}", status.error().message);
        return 1;
    }
    return 0;
}
