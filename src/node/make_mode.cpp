#include <stdexcept>

#include "modes/ap/ap_mode.hpp"
#include "modes/ca/ca_mode.hpp"
#include "modes/cp/cp_mode.hpp"
#include "node/mode.hpp"

namespace sysdist {

std::unique_ptr<Mode> make_mode(const ModeContext& context) {
  if (context.config.mode == "CA") return std::make_unique<ca::CaMode>(context);
  if (context.config.mode == "AP") return std::make_unique<ap::ApMode>(context);
  if (context.config.mode == "CP") return std::make_unique<cp::CpMode>(context);
  throw std::runtime_error("unknown mode " + context.config.mode);  // config validated it already
}

}  // namespace sysdist
