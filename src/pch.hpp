// Precompiled header for sysdist_core: the heavy Asio/Beast/JSON set (about 2x faster builds).
#pragma once
#include <boost/asio.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>
