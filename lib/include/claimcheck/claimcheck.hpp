// Public entry point of libclaimcheck: include this to link the library.
#pragma once

#include "claimcheck/config.hpp"
#include "claimcheck/error.hpp"
#include "claimcheck/json_fields.hpp"
#include "claimcheck/journal.hpp"
#include "claimcheck/manager.hpp"
#include "claimcheck/reference.hpp"
#include "claimcheck/scanner.hpp"
#include "claimcheck/staged_output.hpp"
#include "claimcheck/store.hpp"
#include "claimcheck/stream.hpp"
