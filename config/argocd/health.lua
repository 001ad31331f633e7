-- Argo CD health of limiter.dev resources (RateLimiterTable, EntityHierarchy), read from the
-- operator's status. Installed inline in argocd-cm (see argocd-cm.yaml) for both kinds.
--   Degraded     needs a person: invalid spec, a conflict, a deletion blocked by protection, a table
--                that throttles, an entity at risk of a hot partition
--   Healthy      Ready, or serving while a change waits for an AWS or user quota ("deferred: ...")
--   Progressing  anything the operator is still working on, including transient AWS errors
local TERMINAL = { InvalidSpec = true, TableConflict = true, IncompatibleTable = true, DeletionBlocked = true, Conflict = true,
  ConfigMapConflict = true }
local DEFERRED = { SwitchCooldown = true, AwsSwitchQuota = true, DecreaseQuota = true, AwsQuota = true }
-- The table works but its traffic does not fit: the Throttling diagnosis and HotPartitionRisk.
local ATTENTION = { CapacityExceeded = true, HotPartition = true, IndexThrottling = true, EntityNeedsShards = true,
  OnDemandCapReached = true }

local function findCondition(status, conditionType)
  if type(status) ~= "table" or type(status.conditions) ~= "table" then
    return nil
  end
  for _, condition in ipairs(status.conditions) do
    if type(condition) == "table" and condition.type == conditionType then
      return condition
    end
  end
  return nil
end

-- The condition's message, else its reason, else "".
local function describe(condition)
  if condition == nil then
    return ""
  end
  if type(condition.message) == "string" and condition.message ~= "" then
    return condition.message
  end
  if type(condition.reason) == "string" then
    return condition.reason
  end
  return ""
end

local function join(first, second, separator)
  if second == nil or second == "" then
    return first
  end
  if first == nil or first == "" then
    return second
  end
  return first .. separator .. second
end

local function health(resource)
  local metadata = resource.metadata
  if type(metadata) ~= "table" then
    metadata = {}
  end
  local status = resource.status
  local ready = findCondition(status, "Ready")

  if metadata.deletionTimestamp ~= nil then
    if ready ~= nil and ready.reason == "DeletionBlocked" then
      return "Degraded", describe(ready)
    end
    return "Progressing", join("deleting", describe(ready), ": ")
  end

  local generation = metadata.generation
  local observed = type(status) == "table" and status.observedGeneration or nil
  if type(observed) ~= "number" or (type(generation) == "number" and observed < generation) then
    if type(generation) == "number" then
      return "Progressing", "waiting for the operator to observe generation " .. tostring(generation)
    end
    return "Progressing", "waiting for the operator to observe the resource"
  end

  if ready == nil then
    return "Progressing", "waiting for the Ready condition"
  end
  if ready.status == "True" then
    local cooldown = findCondition(status, "BillingModeCooldown")
    if cooldown ~= nil and cooldown.status == "True" then
      return "Healthy", join(describe(ready), describe(cooldown), "; ")
    end
    return "Healthy", describe(ready)
  end
  if ready.status == "False" and (TERMINAL[ready.reason] or ATTENTION[ready.reason]) then
    return "Degraded", describe(ready)
  end
  if ready.status == "False" and DEFERRED[ready.reason] then
    return "Healthy", "deferred: " .. describe(ready)
  end
  return "Progressing", describe(ready)
end

local hs = {}
hs.status, hs.message = health(obj)
return hs
