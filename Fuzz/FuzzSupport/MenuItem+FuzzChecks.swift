public import MenuModel
import MenuParsing

/// The rules every extracted item keeps whichever tier read it, checked by the targets that produce items.
///
/// - Parameter context: what the items came from, for the failure message.
public func requirePlausible(_ items: [MenuItem], _ context: @autoclosure () -> String) {
    for item in items {
        for price in item.prices {
            require(
                PriceValidator.problem(with: price.amount) == nil, "implausible price \(price.amount): \(context())")
        }
        for error in item.priceErrors {
            require(
                PriceValidator.problem(with: error.amount) == error.reason,
                "price error \(error.amount) with reason \(error.reason): \(context())")
        }
        require((0...1).contains(item.confidence), "confidence \(item.confidence) of \(item.nameKorean): \(context())")
        require(!item.nameKorean.isEmpty, "an item without a Korean name: \(context())")
        if let box = item.box {
            require(box.width > 0 && box.height > 0, "empty box \(box): \(context())")
            require(
                box.x >= 0 && box.y >= 0 && box.x + box.width <= 1.0001 && box.y + box.height <= 1.0001,
                "box \(box) outside the page: \(context())")
        }
    }
}
