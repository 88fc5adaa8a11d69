// fmt's compiled part (vformat, format_error, floating point), built from
// Debian's own header: Debian ships it otherwise only as libfmt.so, which
// needs the shared C++ runtime that claimcheck does without
// (cli/meson.build). Header-only fmt would compile it into every file that
// formats: 2.6 s of CPU each.
#include <fmt/format-inl.h>

// format.h declares these `extern template`: their one instantiation.
FMT_BEGIN_NAMESPACE
namespace detail {
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl<char>(locale_ref) -> char;
}  // namespace detail
FMT_END_NAMESPACE
