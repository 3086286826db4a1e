// The registry: which PipeWire nodes are audio devices, and what each one
// says about itself (node info and params -> DeviceInfo). Announces added,
// changed and removed to the listeners, and tells virtual devices and
// device I/O when their node comes or goes.
#include <charconv>
#include <cstring>

#include <spa/param/props.h>
#include <spdlog/spdlog.h>

#include "drivers/pipewire/impl.h"
#include "drivers/pipewire/pod.h"

namespace rocd::drivers {

namespace {

std::optional<PortDirection> direction_of_class(std::string_view media_class) {
    if (media_class == "Audio/Sink") {
        return PortDirection::output;
    }
    if (media_class == "Audio/Source" || media_class == "Audio/Source/Virtual") {
        return PortDirection::input;
    }
    if (media_class == "Audio/Duplex") {
        return PortDirection::duplex;
    }
    return std::nullopt;
}

const char* lookup(const spa_dict* dict, const char* key) {
    return dict != nullptr ? spa_dict_lookup(dict, key) : nullptr;
}

std::uint32_t parse_u32(const char* text) {
    std::uint32_t v = 0;
    if (text != nullptr) {
        std::from_chars(text, text + std::strlen(text), v);
    }
    return v;
}

/// "[ FL FR ]", "FL,FR" or "FL FR" -> {"FL", "FR"}.
std::vector<std::string> parse_position_list(const char* text) {
    std::vector<std::string> out;
    std::string cur;
    for (const char* p = text; p != nullptr && *p != '\0'; ++p) {
        if (*p == '[' || *p == ']' || *p == ',' || *p == ' ' || *p == '"') {
            if (!cur.empty()) {
                out.push_back(std::move(cur));
                cur.clear();
            }
        } else {
            cur.push_back(*p);
        }
    }
    if (!cur.empty()) {
        out.push_back(std::move(cur));
    }
    return out;
}

} // namespace

void PipewireDriver::Impl::on_global(void* data, std::uint32_t id, std::uint32_t, const char* type,
                                     std::uint32_t, const spa_dict* props) {
    auto* self = static_cast<Impl*>(data);
    if (std::strcmp(type, PW_TYPE_INTERFACE_Node) != 0) {
        return;
    }
    const char* media_class = lookup(props, PW_KEY_MEDIA_CLASS);
    if (media_class == nullptr || !direction_of_class(media_class)) {
        return;
    }
    auto node = std::make_unique<Node>();
    node->impl = self;
    node->id = id;
    node->proxy = static_cast<pw_proxy*>(pw_registry_bind(self->registry, id, type, PW_VERSION_NODE, 0));
    if (node->proxy == nullptr) {
        return;
    }
    node->info.rate = self->clock_rate;
    static const pw_node_events node_events = [] {
        pw_node_events e {};
        e.version = PW_VERSION_NODE_EVENTS;
        e.info = on_node_info;
        e.param = on_node_param;
        return e;
    }();
    pw_node_add_listener(reinterpret_cast<pw_node*>(node->proxy), &node->listener, &node_events, node.get());
    std::uint32_t ids[] = {SPA_PARAM_EnumFormat, SPA_PARAM_Props};
    pw_node_subscribe_params(reinterpret_cast<pw_node*>(node->proxy), ids, 2);
    self->nodes[id] = std::move(node);
}

void PipewireDriver::Impl::on_global_remove(void* data, std::uint32_t id) {
    auto* self = static_cast<Impl*>(data);
    auto it = self->nodes.find(id);
    if (it == self->nodes.end()) {
        return;
    }
    std::unique_ptr<Node> node = std::move(it->second);
    self->nodes.erase(it);
    spa_hook_remove(&node->listener);
    pw_proxy_destroy(node->proxy);
    if (!node->announced) {
        return;
    }
    {
        std::lock_guard lock(self->devices_mutex);
        auto d = self->devices.find(node->info.name);
        if (d != self->devices.end() && d->second == node->info) {
            self->devices.erase(d);
        }
    }
    // Device I/O on it stops rather than being moved to another device by
    // the session manager; it restarts when the device is back.
    for (auto& [_, io] : self->ios) {
        if (io->spec.device == node->info.name && self->node_by_name(node->info.name) == nullptr) {
            self->destroy_stream(io->pw);
        }
    }
    self->on_virtual_unlisted(node->info.name);
    self->listeners.notify(DeviceEvent::removed, node->info);
}

void PipewireDriver::Impl::on_node_info(void* data, const pw_node_info* info) {
    auto* node = static_cast<Node*>(data);
    DeviceInfo d = node->info;
    if ((info->change_mask & PW_NODE_CHANGE_MASK_PROPS) != 0 && info->props != nullptr) {
        const spa_dict* p = info->props;
        if (const char* v = lookup(p, PW_KEY_NODE_NAME)) {
            d.name = v;
        }
        const char* desc = lookup(p, PW_KEY_NODE_DESCRIPTION);
        if (desc == nullptr) {
            desc = lookup(p, PW_KEY_NODE_NICK);
        }
        d.display_name = desc ? desc : d.name;
        if (const char* v = lookup(p, PW_KEY_MEDIA_CLASS)) {
            d.direction = direction_of_class(v).value_or(d.direction);
        }
        if (const char* v = lookup(p, "audio.rate"); v && parse_u32(v) > 0) {
            d.rate = parse_u32(v);
        }
        if (const char* v = lookup(p, PW_KEY_AUDIO_CHANNELS); v && parse_u32(v) > 0) {
            d.channels = parse_u32(v);
        }
        if (const char* v = lookup(p, "audio.position")) {
            d.positions = parse_position_list(v);
            if (d.channels == 0) {
                d.channels = static_cast<std::uint32_t>(d.positions.size());
            }
        }
        const char* virt = lookup(p, "rocd.virtual");
        d.is_virtual = virt != nullptr && std::strcmp(virt, "true") == 0;
    }
    if ((info->change_mask & PW_NODE_CHANGE_MASK_PARAMS) != 0 && node->announced) {
        // Re-read Props when they changed (volume, mute).
        for (std::uint32_t i = 0; i < info->n_params; ++i) {
            if (info->params[i].id == SPA_PARAM_Props && (info->params[i].flags & SPA_PARAM_INFO_READ)) {
                pw_node_enum_params(reinterpret_cast<pw_node*>(node->proxy), 0, SPA_PARAM_Props, 0,
                                    UINT32_MAX, nullptr);
            }
        }
    }
    node->impl->update(*node, std::move(d));
}

void PipewireDriver::Impl::on_node_param(void* data, int, std::uint32_t id, std::uint32_t index,
                                         std::uint32_t, const spa_pod* param) {
    auto* node = static_cast<Node*>(data);
    DeviceInfo d = node->info;
    if (id == SPA_PARAM_EnumFormat && index == 0) {
        if (auto f = pw::parse_format(param)) {
            if (f->rate > 0) {
                d.rate = f->rate;
            }
            if (f->channels > 0) {
                d.channels = f->channels;
            }
            if (!f->positions.empty() && f->positions.size() == d.channels) {
                d.positions = f->positions;
            }
        }
    } else if (id == SPA_PARAM_Props) {
        auto p = pw::parse_props(param);
        if (p.volume) {
            d.volume = *p.volume;
        }
        if (p.mute) {
            d.mute = *p.mute;
        }
    } else {
        return;
    }
    node->impl->update(*node, std::move(d));
}

void PipewireDriver::Impl::update(Node& node, DeviceInfo d) {
    if (d.name.empty()) {
        return;
    }
    if (node.announced && d == node.info) {
        return;
    }
    const bool added = !node.announced;
    const std::string old_name = node.info.name;
    node.info = std::move(d);
    node.announced = true;
    {
        std::lock_guard lock(devices_mutex);
        if (!added && old_name != node.info.name) {
            devices.erase(old_name);
        }
        devices[node.info.name] = node.info;
    }
    if (added) {
        for (auto& [_, io] : ios) {
            if (io->spec.device == node.info.name && (!io->pw || io->pw->stream == nullptr)) {
                start_io(*io);
            }
        }
        on_virtual_listed(node.info.name);
    }
    listeners.notify(added ? DeviceEvent::added : DeviceEvent::changed, node.info);
}

PipewireDriver::Impl::Node* PipewireDriver::Impl::node_by_name(std::string_view name) {
    for (auto& [_, n] : nodes) {
        if (n->announced && n->info.name == name) {
            return n.get();
        }
    }
    return nullptr;
}

} // namespace rocd::drivers
