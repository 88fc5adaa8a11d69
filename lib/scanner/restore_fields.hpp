// `retrieve --json-fields`: every reference in a JSON document becomes what
// it stands for, in place, in the form it was written, and every other byte
// stays as it was:
//  - a bare claimcheck / Go / TypeScript reference object: its payload, as
//    JSON when it is JSON, else as a string;
//  - a Temporal payload that is a reference (a claimcheck reference wrapped
//    in json/plain, a binary/claimcheck payload, an External Storage
//    reference), in proto JSON, decoded or the CLI's shorthand: the original
//    payload written the same way (External Storage: the stored payload as
//    the worker's codecs left it);
//  - references inside the JSON data of an ordinary payload: restored
//    there, the payload re-encoded.
// References are fetched `concurrency` at a time; the first failure stops
// the run and is thrown, leaving nothing half restored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "temporal/resolver.hpp"

namespace claimcheck {

/// Throws Error(InvalidInput) when `text` is not JSON (or nests deeper than
/// the document walk allows).
std::string restore_fields_text(std::string_view text, temporal::Resolver& resolver, int concurrency = 8,
                                std::size_t* restored = nullptr);

/// The same on a parsed document; returns how many references were restored.
std::size_t restore_fields(nlohmann::ordered_json& document, temporal::Resolver& resolver,
                           int concurrency = 8);

}  // namespace claimcheck
