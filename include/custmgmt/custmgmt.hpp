/// @file custmgmt.hpp
/// @brief Umbrella header: the whole public C++ API of custmgmt.
#pragma once

#include "custmgmt/account.hpp"
#include "custmgmt/account_repository.hpp"
#include "custmgmt/address.hpp"
#include "custmgmt/contact.hpp"
#include "custmgmt/contact_repository.hpp"
#include "custmgmt/error.hpp"
#include "custmgmt/export.hpp"
#include "custmgmt/io.hpp"
#include "custmgmt/json.hpp"
#include "custmgmt/query.hpp"
#include "custmgmt/store.hpp"
#include "custmgmt/types.hpp"
#include "custmgmt/validate.hpp"
#include "custmgmt/version.hpp"
