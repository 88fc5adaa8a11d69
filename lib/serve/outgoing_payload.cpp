#include "serve/outgoing_payload.hpp"

#include "base/encoding.hpp"

namespace claimcheck::serve {

Payload OutgoingPayload::decoded() const {
  Payload out = payload;
  if (data_base64) out.data = base::base64_decode(*data_base64).value();  // written by base64_append: valid
  return out;
}

}  // namespace claimcheck::serve
