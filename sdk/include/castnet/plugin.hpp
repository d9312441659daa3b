// Kept for plugins written against castnet 0.1, which included <castnet/plugin.hpp>: the
// contract now lives in castnet/sdk/, and this header forwards to it.
#pragma once
#include "castnet/sdk/plugin.hpp"
