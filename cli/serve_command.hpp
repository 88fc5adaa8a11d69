// `claimcheck serve`'s entry point. claimcheck and claimcheck-serve share the
// command's definition (serve_command.cpp; its flags are rows of the
// settings table) and differ in this one function: claimcheck-serve runs the
// codec server (serve.cpp), claimcheck hands its command line over to
// claimcheck-serve (serve_exec.cpp).
#pragma once

#include "global_options.hpp"

namespace claimcheck::cli {

/// Runs `serve` with the options parsed into `global`; returns the exit code.
int run_serve(const GlobalOptions& global);

}  // namespace claimcheck::cli
